package dev.ccrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.LedgerSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL lost while the gateway serves: recording goes on without waiting, rows wait up to the queue's bound and
 * the rest are counted as dropped, and once the database is back everything that was kept is written.
 */
class PostgresOutageTest {
    private static final int QUEUE = 50;

    @TempDir
    Path dataDirectory;

    private EmbeddedPostgres start(int port) throws IOException {
        return EmbeddedPostgres.builder().setDataDirectory(dataDirectory).setCleanDataDirectory(false)
                .setPort(port).start();
    }

    @Test
    void rowsAreKeptUpToTheBoundWhileTheDatabaseIsDownAndWrittenWhenItReturns() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        EmbeddedPostgres postgres = start(port);
        LedgerSettings settings = new LedgerSettings(true, postgres.getJdbcUrl("postgres", "postgres"), QUEUE,
                Duration.ofMillis(100));
        try (Ledger ledger = Ledger.open(settings)) {
            for (int n = 0; n < 3; n++) {
                ledger.record(LedgerWriterTest.row(n));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == 3);

            postgres.close();
            int accepted = 0;
            long slowest = 0;
            for (int n = 3; n < 1003; n++) {
                long start = System.nanoTime();
                accepted += ledger.writer().record(LedgerWriterTest.row(n)) ? 1 : 0;
                slowest = Math.max(slowest, System.nanoTime() - start);
            }
            assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(50));
            assertThat(accepted).isLessThan(1000).isGreaterThanOrEqualTo(QUEUE);
            assertThat(ledger.writer().dropped()).isEqualTo(1000 - accepted);
            assertThat(ledger.writer().written()).isEqualTo(3);

            postgres = start(port);
            long expected = 3 + accepted;
            await().atMost(Duration.ofSeconds(30)).until(() -> ledger.writer().written() == expected);
            assertThat(ledger.store().count()).isEqualTo(expected);
            assertThat(ledger.writer().depth()).isZero();
        } finally {
            postgres.close();
        }
    }
}
