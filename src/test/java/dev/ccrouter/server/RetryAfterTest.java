package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryAfterTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            "30                            | PT30S",
            "1.5                           | PT1.5S",
            "0                             | PT0S",
            "Tue, 01 Dec 2026 10:02:00 GMT | PT2M",
            "Tue, 01 Dec 2026 09:00:00 GMT | PT0S",
            "-5                            | null",
            "soon                          | null",
            "null                          | null",
    })
    void secondsOrAnHttpDate(String header, String expected) {
        assertThat(RetryAfter.parse(header, NOW)).isEqualTo(expected == null ? null : Duration.parse(expected));
    }
}
