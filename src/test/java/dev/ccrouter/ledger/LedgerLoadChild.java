package dev.ccrouter.ledger;

import dev.ccrouter.config.LedgerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.locks.LockSupport;

/**
 * The process {@link LedgerDurabilityTest} kills: it records about a thousand rows a second, printing
 * {@code <sequence> <epoch millis>} for each row the ledger accepted, until it is stopped. On SIGTERM it does what
 * {@code ccrouter serve} does: stop taking requests, then close the ledger.
 */
public final class LedgerLoadChild {
    private LedgerLoadChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Ledger ledger = Ledger.open(new LedgerSettings(true, LedgerSettings.defaults(Path.of(args[0])).url(), 1_000_000,
                Duration.ofMillis(Long.parseLong(args[1]))));
        Thread load = Thread.ofPlatform().start(() -> {
            for (int n = 0; !Thread.currentThread().isInterrupted(); n++) {
                Instant now = Instant.now();
                LedgerEntry row = LedgerWriterTest.row(n);
                if (ledger.writer().record(new LedgerEntry(now, row.requestId(), row.clientKeyId(), row.sessionId(),
                        row.requestedModel(), null, row.provider(), row.upstreamModel(), true, 200, null, null,
                        row.tokens(), row.spend(), 3L, 9, 0, 0))) {
                    System.out.println(n + " " + now.toEpochMilli());
                }
                LockSupport.parkNanos(1_000_000); // pacing the load, ~1000 rows/s
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            load.interrupt();
            try {
                load.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ledger.close();
        }));
        load.join();
    }
}
