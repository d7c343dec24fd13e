package dev.ccrouter.testing;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/** Collects the gateway's access log lines ({@code ccrouter.access}), or another logger's, while open. */
public final class AccessLogCapture implements AutoCloseable {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger;

    public AccessLogCapture() {
        this("ccrouter.access");
    }

    /** The lines of the logger of that name (a class's logger is named by the class). */
    public AccessLogCapture(String loggerName) {
        logger = (Logger) LoggerFactory.getLogger(loggerName);
        appender.start();
        logger.addAppender(appender);
    }

    /**
     * The line of one request. The gateway writes it after the response is sent, so a client that has its answer
     * may be a moment ahead of the log: this waits up to 5 s for the line.
     */
    public String line(String requestId) {
        return await().atMost(Duration.ofSeconds(5)).until(() -> find(requestId), Optional::isPresent).orElseThrow();
    }

    /** Every line so far. */
    public List<String> lines() {
        return Arrays.stream(appender.list.toArray(ILoggingEvent[]::new)).map(ILoggingEvent::getFormattedMessage).toList();
    }

    private Optional<String> find(String requestId) {
        return lines().stream().filter(line -> line.startsWith(requestId + " ")).findFirst();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
