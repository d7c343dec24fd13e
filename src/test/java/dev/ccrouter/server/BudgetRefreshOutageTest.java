package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.AuthSettings.ClientKey;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.DriverMessages;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The budgets read the ledger every 2 s. While its database is away they go on with the spend they know, and say so
 * once, as the ledger's writer does, and once more when it is back: not a warning per budgeted key every refresh for
 * as long as the outage lasts.
 */
class BudgetRefreshOutageTest {
    @TempDir
    Path dataDir;

    @Test
    void anOutageIsSaidOnceAndItsEndOnce() throws Exception {
        LedgerSettings settings = LedgerSettings.defaults(dataDir);
        LedgerDatabase.open(settings).close(); // the schema
        AtomicBoolean down = new AtomicBoolean(true);
        LedgerStore ledger = new LedgerStore(() -> {
            if (down.get()) {
                throw new SQLException("Connection to db.internal:5432 refused");
            }
            return LedgerDatabase.connect(settings);
        });
        try (AccessLogCapture log = new AccessLogCapture(SpendingLimits.class.getName());
             SpendingLimits limits = new SpendingLimits(ledger, settings,
                     Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC))) {
            limits.configure(new AuthSettings(List.of(
                    new ClientKey("team-a", "ccr-team-a-key", new BigDecimal("5"), null, null, null),
                    new ClientKey("team-b", "ccr-team-b-key", null, new BigDecimal("50"), null, null)), List.of()));
            for (int refresh = 0; refresh < 3; refresh++) {
                limits.refresh();
            }
            down.set(false);
            limits.refresh();
            limits.refresh();

            assertThat(log.lines()).containsExactly(
                    "could not read the budgeted keys' spend from the ledger (Connection to db.internal:5432 refused): "
                            + "they go on with the spend this gateway knows, and the "
                            + "ledger is read again every 2 s",
                    "read the budgeted keys' spend from the ledger again");
        }
    }

    /**
     * What the driver says may quote the database's URL or the user information before its host: the warning shows
     * them as the ledger's opening error and its writer's warning do, without the password.
     */
    @ParameterizedTest
    @MethodSource("dev.ccrouter.testing.DriverMessages#quotingThePassword")
    void theWarningCarriesNoPasswordOfTheUrl(DriverMessages.Quoting failure) throws Exception {
        LedgerStore unreadable = new LedgerStore(() -> {
            throw new SQLException(failure.driverSays());
        });
        try (AccessLogCapture log = new AccessLogCapture(SpendingLimits.class.getName());
             SpendingLimits limits = new SpendingLimits(unreadable, new LedgerSettings(true, failure.url(), 100,
                     Duration.ofSeconds(1)), Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC))) {
            limits.configure(new AuthSettings(List.of(
                    new ClientKey("team-a", "ccr-team-a-key", new BigDecimal("5"), null, null, null)), List.of()));
            limits.refresh();

            assertThat(log.lines()).containsExactly("could not read the budgeted keys' spend from the ledger ("
                    + failure.shown() + "): they go on with the spend this gateway knows, and the ledger is read again every 2 s");
        }
    }
}
