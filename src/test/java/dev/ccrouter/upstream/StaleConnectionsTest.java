package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.ConfigLoader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A burst leaves up to 256 idle connections per endpoint; the requests that follow at low concurrency take only the
 * most recent, and the provider closes the others after its keep-alive timeout. Those must be closed on our side too
 * (else each holds a descriptor in CLOSE_WAIT for good), by the releases that follow and, when no request comes, by
 * the periodic sweep. The pool's clock is set by hand here.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class StaleConnectionsTest {
    private static final long SECONDS = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong();
    private final ConnectionPool pool = new ConnectionPool(now::get);
    private final SilenceWatch silences = new SilenceWatch(UpstreamClient.PATIENCE, Duration.ofSeconds(5),
            System::nanoTime);
    private ServerSocket server;
    private Http1Connection.Endpoint endpoint;
    /** The provider's end of each connection opened, in the order they were opened. */
    private final List<Socket> providerEnds = new ArrayList<>();

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 300, InetAddress.getLoopbackAddress());
        endpoint = new Http1Connection.Endpoint(false, "127.0.0.1", server.getLocalPort());
    }

    @AfterEach
    void close() throws IOException {
        pool.close();
        for (Socket end : providerEnds) {
            end.close();
        }
        server.close();
    }

    @Test
    void afterABurstTheRequestsThatFollowCloseTheConnectionsLeftIdleTwoAtATime() throws IOException {
        List<Http1Connection> burst = burst(5);
        now.set(10 * SECONDS);
        Http1Connection used = pool.take(endpoint);
        assertThat(used).as("the most recent").isSameAs(burst.get(4));
        pool.release(used);
        assertThat(pool.idle(endpoint)).as("none idle for 30 s yet").isEqualTo(5);

        now.set(35 * SECONDS); // the burst's other four idle for 35 s, the one used for 25 s
        pool.release(pool.take(endpoint));
        assertThat(pool.idle(endpoint)).isEqualTo(3);
        assertClosedByUs(0, 1);
        pool.release(pool.take(endpoint));
        assertThat(pool.idle(endpoint)).isEqualTo(1);
        assertClosedByUs(2, 3);

        assertThat(pool.take(endpoint)).isSameAs(used);
        assertThat(pool.take(endpoint)).isNull();
    }

    @Test
    void aSweepWithNoRequestClosesTheConnectionsIdleTooLongAndKeepsTheOthers() throws IOException {
        burst(3);
        now.set(20 * SECONDS);
        burst(2);

        now.set(31 * SECONDS);
        pool.closeStale();
        assertThat(pool.idle(endpoint)).isEqualTo(2);
        assertClosedByUs(0, 1, 2);

        now.set(51 * SECONDS);
        pool.closeStale();
        assertThat(pool.idle(endpoint)).isZero();
        assertClosedByUs(3, 4);
        assertThat(pool.take(endpoint)).isNull();
    }

    @Test
    void theClientSweepsItsPoolEveryMaxIdleUntilItCloses() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
        timers.setRemoveOnCancelPolicy(true);
        try {
            UpstreamClient client = new UpstreamClient(new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE));
            client.closeStaleConnectionsOn(timers);
            assertThat(timers.getQueue()).singleElement().satisfies(sweep ->
                    assertThat(((Delayed) sweep).getDelay(TimeUnit.SECONDS)).as("seconds to the first sweep")
                            .isBetween(25L, 30L));

            client.close();
            assertThat(timers.getQueue()).as("the sweep after the client closed").isEmpty();
        } finally {
            timers.shutdownNow();
        }
    }

    /** Opens {@code count} connections and gives them to the pool at once, as the end of a burst does. */
    private List<Http1Connection> burst(int count) throws IOException {
        List<Http1Connection> connections = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Http1Connection connection = Http1Connection.open(endpoint, Duration.ofSeconds(2), null, new Cancellation(),
                    silences);
            Socket providerEnd = server.accept();
            providerEnd.setSoTimeout(5_000); // a connection we did not close fails the test rather than hanging it
            providerEnds.add(providerEnd);
            connections.add(connection);
        }
        connections.forEach(pool::release);
        return connections;
    }

    /** The connections opened {@code which}-th were closed by the gateway: their provider ends read the end. */
    private void assertClosedByUs(int... which) throws IOException {
        for (int opened : which) {
            assertThat(providerEnds.get(opened).getInputStream().read()).as("connection %d", opened).isEqualTo(-1);
        }
    }
}
