package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogLinesTest {
    private final LoggerContext context = new LoggerContext();
    private final PatternLayoutEncoder encoder = encoder();

    @Test
    void anAccessLineIsTheTimeTheLevelTheLoggerAndTheMessage() {
        LogLines lines = new LogLines(encoder, StandardCharsets.UTF_8, ZoneOffset.UTC);
        lines.add(event("2026-12-04T17:03:09.005Z", Level.INFO, "ccrouter.access", "req_1 status=200 model=a"));
        lines.add(event("2026-12-04T17:03:10.120Z", Level.WARN, "ccrouter.access", "req_2 status=529 é"));

        assertThat(text(lines)).isEqualTo("17:03:09.005 INFO  ccrouter.access req_1 status=200 model=a\n"
                + "17:03:10.120 WARN  ccrouter.access req_2 status=529 é\n");
    }

    @Test
    void everyLineIsByteForByteWhatLogbacksEncoderWrites() {
        ZoneId zone = ZoneId.systemDefault();
        LogLines lines = new LogLines(encoder, null, zone);
        LoggingEvent withException = event("2026-12-04T23:59:59.999Z", Level.ERROR, "ccrouter.access", "failed");
        withException.setThrowableProxy(new ch.qos.logback.classic.spi.ThrowableProxy(new IllegalStateException("x")));
        List<LoggingEvent> events = List.of(
                event("2026-12-04T17:03:09.005Z", Level.INFO, "ccrouter.access", "req_1 \\u0020 status=200"),
                event("2026-12-04T17:03:09.999Z", Level.DEBUG, "short", "ü and 🙂"),
                event("2026-12-04T17:03:10.000Z", Level.TRACE, "nineteen.chars.long", "kept whole"),
                event("2026-12-04T17:03:10.010Z", Level.WARN, "dev.ccrouter.ledger.LedgerWriter", "abbreviated"),
                event("1969-12-31T23:59:59.001Z", Level.INFO, "ccrouter.access", "before the epoch"),
                event("2026-12-04T17:03:10.020Z", Level.WARN, "ccrouter.access", null),
                withException);
        StringBuilder expected = new StringBuilder();
        for (LoggingEvent event : events) {
            lines.add(event);
            expected.append(new String(encoder.encode(event), StandardCharsets.UTF_8));
        }

        assertThat(text(lines)).isEqualTo(expected.toString()).contains(" d.c.l.LedgerWriter abbreviated\n")
                .contains("java.lang.IllegalStateException: x");
    }

    @Test
    void aClearedBatchStartsEmpty() {
        LogLines lines = new LogLines(encoder, StandardCharsets.UTF_8, ZoneOffset.UTC);
        lines.add(event("2026-12-04T17:03:09.005Z", Level.INFO, "ccrouter.access", "x".repeat(40_000)));
        lines.clear();
        lines.add("(3 log lines dropped)\n".getBytes(StandardCharsets.UTF_8));

        assertThat(text(lines)).isEqualTo("(3 log lines dropped)\n");
    }

    private static String text(LogLines lines) {
        return new String(Arrays.copyOf(lines.bytes(), lines.length()), StandardCharsets.UTF_8);
    }

    private LoggingEvent event(String time, Level level, String logger, String message) {
        LoggingEvent event = new LoggingEvent();
        event.setLoggerContext(context);
        event.setLoggerName(logger);
        event.setLevel(level);
        event.setMessage(message);
        event.setInstant(Instant.parse(time));
        event.setThreadName("main");
        return event;
    }

    private PatternLayoutEncoder encoder() {
        PatternLayoutEncoder made = new PatternLayoutEncoder();
        made.setContext(context);
        made.setPattern(LogLines.PATTERN);
        made.start();
        return made;
    }
}
