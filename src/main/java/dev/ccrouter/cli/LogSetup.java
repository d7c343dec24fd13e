package dev.ccrouter.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logging set up in code rather than {@code logback.xml}: parsing XML costs about a third of a second of start-up.
 * One line per event on stderr, written in batches by one thread ({@link BatchingStderrAppender}; a full queue drops
 * lines rather than stall requests);
 * {@code CCROUTER_LOG_LEVEL} sets the level (default INFO; WARN silences the access
 * log).
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(LogLines.PATTERN);
        encoder.start();

        // Requests never wait for the terminal: lines are queued and written in batches by one thread.
        BatchingStderrAppender stderr = new BatchingStderrAppender(8192);
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setEncoder(encoder);
        stderr.start();

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getenv("CCROUTER_LOG_LEVEL"), Level.INFO));
        root.addAppender(stderr);
        // The ledger says in one line when its database goes and comes back; the pool would add a stack trace per try.
        context.getLogger("com.zaxxer.hikari").setLevel(Level.ERROR);
        context.getLogger("org.flywaydb").setLevel(Level.WARN);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
