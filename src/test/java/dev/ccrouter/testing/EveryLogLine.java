package dev.ccrouter.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Every line any logger writes while open, at every level (the root logger set to {@code ALL}, its level restored at
 * close): for tests that a secret reaches no log line, whatever its level or logger.
 */
public final class EveryLogLine implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Level level;

    public EveryLogLine() {
        level = root.getLevel();
        appender.start();
        root.setLevel(Level.ALL);
        root.addAppender(appender);
    }

    /** The events so far. */
    public List<ILoggingEvent> events() {
        return List.of(appender.list.toArray(ILoggingEvent[]::new));
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        root.setLevel(level);
    }
}
