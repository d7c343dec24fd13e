package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.StreamEvent;
import dev.ccrouter.upstream.Cancellation;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How a quiet stream is kept by the gateway's one timer thread: liveness comments (only where nothing else notices a
 * departure) and pings arrive on time, a client that reads nothing holds only its own keeping write (not the timer,
 * not the other streams), and a closed stream leaves nothing scheduled.
 */
class ClientStreamKeepingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration LIVENESS = Duration.ofMillis(50);
    static final String COMMENT = ":\n\n";
    final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);

    ClientStreamKeepingTest() {
        timers.setRemoveOnCancelPolicy(true); // as the gateway's own timers
    }

    @AfterEach
    void stopTimers() {
        timers.shutdownNow();
    }

    static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    @Test
    void aQuietStreamGetsLivenessCommentsThenAPingOnceThePingIntervalPassed() {
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        ClientStream stream = new ClientStream(JSON, client, Duration.ofMillis(600), LIVENESS, false, timers,
                new Cancellation());
        stream.startKeeper();

        await().atMost(Duration.ofSeconds(5)).until(() -> client.toString(StandardCharsets.UTF_8).contains("event: ping"));
        String sent = client.toString(StandardCharsets.UTF_8);
        String beforePing = sent.substring(0, sent.indexOf("event: ping"));
        assertThat(beforePing.replace(COMMENT, "")).as("only liveness comments before the ping").isEmpty();
        assertThat(count(beforePing, COMMENT)).as("one comment per liveness check for 600 ms").isBetween(2, 12);
        assertThat(sent.substring(sent.indexOf("event: ping"))).startsWith("event: ping\ndata: {\"type\":\"ping\"}\n\n");
        stream.close();
    }

    @Test
    void aStreamWhoseDepartureIsWatchedGetsNoLivenessCommentsOnlyItsPing() {
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        ClientStream stream = new ClientStream(JSON, client, Duration.ofMillis(600), LIVENESS, true, timers,
                new Cancellation());
        stream.startKeeper();

        await().atMost(Duration.ofSeconds(5)).until(() -> client.size() > 0);
        assertThat(client.toString(StandardCharsets.UTF_8)).isEqualTo("event: ping\ndata: {\"type\":\"ping\"}\n\n");
        stream.close();
    }

    @Test
    void aStreamWhoseClientTheEdgeSawLeaveWritesNothingMore() {
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        Cancellation departure = new Cancellation();
        ClientStream stream = new ClientStream(JSON, client, Duration.ofMinutes(1), LIVENESS, true, timers, departure);
        stream.event(new StreamEvent.Ping());
        stream.flush();
        int before = client.size();

        departure.cancel(); // the edge's watchdog noticed the client's FIN
        stream.event(new StreamEvent.Ping());
        stream.flush();
        stream.close();

        assertThat(stream.clientGone()).isTrue();
        assertThat(client.size()).as("nothing written after the departure").isEqualTo(before);
    }

    @Test
    void aClientThatReadsNothingHoldsItsOwnKeepingWriteButNotTheOtherStreams() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger stuckWrites = new AtomicInteger();
        OutputStream notReading = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                stuckWrites.incrementAndGet();
                try {
                    release.await(10, TimeUnit.SECONDS); // a full TCP window, until the write-stall bound
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        ByteArrayOutputStream reading = new ByteArrayOutputStream();
        ClientStream stuck = new ClientStream(JSON, notReading, Duration.ofMinutes(1), LIVENESS, false, timers,
                new Cancellation());
        ClientStream quiet = new ClientStream(JSON, reading, Duration.ofMinutes(1), LIVENESS, false, timers,
                new Cancellation());
        stuck.startKeeper();
        quiet.startKeeper();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> stuckWrites.get() == 1
                    && count(reading.toString(StandardCharsets.UTF_8), COMMENT) >= 10);
            assertThat(stuckWrites.get()).as("no second keeping write piles up behind the stuck one").isEqualTo(1);
        } finally {
            release.countDown();
        }
        stuck.close();
        quiet.close();
    }

    @Test
    void aClosedStreamLeavesNothingScheduled() {
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        ClientStream stream = new ClientStream(JSON, client, Duration.ofMinutes(1), LIVENESS, false, timers,
                new Cancellation());
        stream.startKeeper();
        assertThat(timers.getQueue()).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> client.size() > 0);

        stream.close();
        assertThat(timers.getQueue()).isEmpty();
        stream.startKeeper();
        assertThat(timers.getQueue()).as("a closed stream is not kept again").isEmpty();
    }

    @Test
    void aStreamOpenedAsTheGatewayStopsStillSendsItsEvents() {
        timers.shutdownNow();
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        ClientStream stream = new ClientStream(JSON, client, Duration.ofMinutes(1), LIVENESS, false, timers,
                new Cancellation());
        stream.startKeeper();
        stream.event(new StreamEvent.Ping());
        stream.flush();

        assertThat(client.toString(StandardCharsets.UTF_8)).isEqualTo("event: ping\ndata: {\"type\":\"ping\"}\n\n");
        assertThat(stream.clientGone()).isFalse();
        stream.close();
    }
}
