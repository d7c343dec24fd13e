package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping the gateway (what SIGTERM does): the port closes at once, a stream in flight runs to its end within the
 * grace period, one still running after it is cut off (and still written to the ledger), and an idle gateway stops
 * at once.
 */
class GracefulStopTest {
    static final String STREAM = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String[] ANSWER = {
            "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"}}]}",
            "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                    + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1}}",
            "[DONE]"};

    FakeUpstream upstream;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
    }

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void aStreamInFlightFinishesWhileTheGatewayStopsAndNewConnectionsAreRefused() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        upstream.answer(FakeUpstream.held(started, release, FakeUpstream.sse(ANSWER)));
        RunningGateway gateway = RunningGateway.start(upstream, config -> config.withShutdownGrace(Duration.ofSeconds(20)));
        CompletableFuture<String> stream = CompletableFuture.supplyAsync(() -> post(gateway));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(gateway::close);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThatThrownBy(() -> connect(gateway.port()))
                .isInstanceOf(ConnectException.class));
        assertThat(stopping).as("the stop waits for the stream").isNotDone();
        release.countDown();

        String body = stream.get(10, TimeUnit.SECONDS);
        assertThat(SseCapture.eventNames(body)).endsWith("message_delta", "message_stop");
        assertThat(body).contains("\"text\":\"Hello\"");
        stopping.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStreamStillRunningAfterTheGracePeriodIsCutOff() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        upstream.answer(FakeUpstream.held(started, never, FakeUpstream.sse(ANSWER)));
        RunningGateway gateway = RunningGateway.start(upstream, config -> config.withShutdownGrace(Duration.ofSeconds(1)));
        CompletableFuture<String> stream = CompletableFuture.supplyAsync(() -> post(gateway));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        long begun = System.nanoTime();
        gateway.close();
        long tookMillis = (System.nanoTime() - begun) / 1_000_000;

        assertThat(tookMillis).as("the grace period, not the upstream's 60 s").isBetween(900L, 5_000L);
        assertThat(stream).failsWithin(Duration.ofSeconds(10));
        never.countDown();
    }

    /** The stop used to close the ledger while a request it had just cut off was still ending: its row was lost. */
    @Test
    void aRequestCutOffAtTheStopIsWrittenToTheLedger(@TempDir Path dir) throws Exception {
        LedgerSettings settings = new LedgerSettings(true, "jdbc:sqlite:" + dir.resolve("ledger.db"), 10_000,
                Duration.ofSeconds(1));
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        upstream.answer(FakeUpstream.held(started, never, FakeUpstream.sse(ANSWER)));
        RunningGateway gateway = RunningGateway.start(upstream,
                config -> config.withShutdownGrace(Duration.ofMillis(200)), settings);
        CompletableFuture<String> stream = CompletableFuture.supplyAsync(() -> post(gateway));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        gateway.close();
        never.countDown();

        assertThat(stream).failsWithin(Duration.ofSeconds(10));
        List<LedgerEntry> rows = new ArrayList<>();
        try (LedgerDatabase database = LedgerDatabase.open(settings)) {
            database.store().forEach(null, null, rows::add);
        }
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.requestedModel()).isEqualTo("claude-sonnet-5");
            assertThat(row.stream()).isTrue();
            assertThat(row.httpStatus()).isEqualTo(502);
            assertThat(row.errorType()).isEqualTo("api_error");
        });
    }

    @Test
    void anIdleGatewayWithAKeptAliveConnectionStopsAtOnce() throws Exception {
        upstream.answer(FakeUpstream.sse(ANSWER));
        RunningGateway gateway = RunningGateway.start(upstream, config -> config.withShutdownGrace(Duration.ofSeconds(20)));
        post(gateway); // leaves the client's connection open, idle, in its pool

        long begun = System.nanoTime();
        gateway.close();
        long tookMillis = (System.nanoTime() - begun) / 1_000_000;

        assertThat(tookMillis).isLessThan(5_000L); // not the 20 s grace
    }

    private static String post(RunningGateway gateway) {
        try {
            return SseCapture.post(gateway.baseUrl() + "/v1/messages", STREAM, "x-api-key", "k").body();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        }
    }
}
