package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.http.Crowd;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The start's rehearsal waits for the start's collection on the edge's watchdog; a gateway closed meanwhile (a start
 * that failed, a training that gave up) must not leave that wait without an end.
 */
class EdgeGuardCloseTest {
    @Test
    void aCollectionStillQueuedWhenTheEdgeClosesIsCancelledRatherThanLeftPending() {
        EdgeGuard edge = new EdgeGuard(new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE).edge(), 16, new Crowd());
        Future<?> collecting = edge.startOver(); // a full collection on the watchdog's one thread: milliseconds
        Future<?> queued = edge.startOver();     // behind it

        edge.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> collecting.isDone() && queued.isDone());
    }
}
