package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
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

    /**
     * The database drivers log what they connect to and run below INFO: sqlite-jdbc a {@code ?password=}'s key
     * ({@code pragma key = '…'}) at TRACE, PostgreSQL's driver its URL at FINE (DEBUG through the bridge). Their
     * loggers, and the pool's and the migrations', are held at their level or above whatever level is asked for,
     * and are as quiet as the rest when a quieter one is.
     */
    @ParameterizedTest
    @CsvSource({
            "TRACE, INFO, INFO, ERROR, WARN",
            "DEBUG, INFO, INFO, ERROR, WARN",
            "INFO, INFO, INFO, ERROR, WARN",
            "WARN, WARN, WARN, ERROR, WARN",
            "ERROR, ERROR, ERROR, ERROR, ERROR",
            "OFF, OFF, OFF, OFF, OFF",
    })
    void theLibrariesLoggersAreNeverLouderThanTheirCap(String asked, String sqlite, String postgres, String pool,
                                                       String migrations) {
        LoggerContext context = new LoggerContext();
        try {
            new LogSetup().configure(context, asked);

            assertThat(context.getLogger("org.sqlite.core.NativeDB").getEffectiveLevel())
                    .isEqualTo(Level.toLevel(sqlite));
            assertThat(context.getLogger("org.postgresql.Driver").getEffectiveLevel())
                    .isEqualTo(Level.toLevel(postgres));
            assertThat(context.getLogger("com.zaxxer.hikari.pool.HikariPool").getEffectiveLevel())
                    .isEqualTo(Level.toLevel(pool));
            assertThat(context.getLogger("org.flywaydb.core.Flyway").getEffectiveLevel())
                    .isEqualTo(Level.toLevel(migrations));
            assertThat(context.getLogger("dev.ccrouter.server.AccessLog").getEffectiveLevel())
                    .isEqualTo(Level.toLevel(asked));
        } finally {
            context.stop();
        }
    }

    @org.junit.jupiter.api.Test
    void unsetIsInfo() {
        assertThat(LogSetup.level(null)).isEqualTo(Level.INFO);
    }
}
