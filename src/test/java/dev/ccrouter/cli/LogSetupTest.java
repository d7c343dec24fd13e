package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LogSetupTest {
    @ParameterizedTest
    @CsvSource({
            "warn, WARN",
            "WARN, WARN",
            "warning, WARN",
            " Warning , WARN",
            "debug, DEBUG",
            "error, ERROR",
            "off, OFF",
            "trace, TRACE",
            "info, INFO",
            "'', INFO",
    })
    void aLevelIsReadInAnyCaseAndWarningIsWarn(String value, String level) {
        assertThat(LogSetup.level(value)).isEqualTo(Level.toLevel(level));
    }

    @ParameterizedTest
    @ValueSource(strings = {"loud", "verbose", "3", "warnings"})
    void anythingElseIsNoLevel(String value) {
        assertThat(LogSetup.level(value)).isNull();
    }

    @org.junit.jupiter.api.Test
    void unsetIsInfo() {
        assertThat(LogSetup.level(null)).isEqualTo(Level.INFO);
    }
}
