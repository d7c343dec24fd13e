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
 * {@code CCROUTER_LOG_LEVEL} sets the level (default INFO; WARN silences the access log; a value that names no level
 * is said, and INFO used).
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        return configure(context, System.getenv("CCROUTER_LOG_LEVEL"));
    }

    /** As {@link #configure(LoggerContext)}, with the level asked for given. */
    ExecutionStatus configure(LoggerContext context, String asked) {
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
        Level level = level(asked);
        root.setLevel(level != null ? level : Level.INFO);
        root.addAppender(stderr);
        if (level == null) {
            context.getLogger(LogSetup.class).warn("CCROUTER_LOG_LEVEL={} is no level (TRACE, DEBUG, INFO, WARN, "
                    + "ERROR or OFF): logging at INFO", asked);
        }
        // The ledger says in one line when its database goes and comes back; the pool would add a stack trace per try.
        cap(context, "com.zaxxer.hikari", Level.ERROR);
        cap(context, "org.flywaydb", Level.WARN);
        // The database drivers log below INFO what they connect to and run, passwords included: sqlite-jdbc each
        // statement at TRACE, a ?password='s key among them ("pragma key = '…'"); PostgreSQL's driver its URL at FINE
        // (DEBUG through the java.util.logging bridge, should that logging be set to pass it on).
        cap(context, "org.sqlite", Level.INFO);
        cap(context, "org.postgresql", Level.INFO);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** A library's loggers at {@code ceiling} or quieter: never louder than the level asked for either. */
    private static void cap(LoggerContext context, String name, Level ceiling) {
        Level asked = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel();
        context.getLogger(name).setLevel(asked.isGreaterOrEqual(ceiling) ? asked : ceiling);
    }

    /**
     * The level {@code CCROUTER_LOG_LEVEL} names, in any case, {@code WARNING} taken for {@code WARN} as other tools
     * spell it; INFO when unset or blank; null for anything else, which is said rather than quietly read as INFO.
     */
    static Level level(String value) {
        if (value == null || value.isBlank()) {
            return Level.INFO;
        }
        String name = value.strip().toUpperCase(java.util.Locale.ROOT);
        if (name.equals("WARNING")) {
            return Level.WARN;
        }
        Level level = Level.toLevel(name, null);
        return level != null && level.toString().equals(name) ? level : null;
    }
}
