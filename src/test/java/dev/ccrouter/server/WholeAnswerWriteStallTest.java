package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RunningGateway;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A client that sends a request and then reads nothing of a large answer must not hold its connection and handler
 * forever, whatever shape the answer takes: a whole JSON answer, a stream made from an upstream's whole answer, an
 * Anthropic provider's answer relayed as it is (whole or streamed). Once a write to it has made no progress for the
 * write-stall bound (the body timeout, 2 s here), the gateway closes the connection and logs the client as gone. A
 * client that reads slowly but steadily is never cut off, however long the whole answer takes.
 */
class WholeAnswerWriteStallTest {
    private static final Duration STALL = Duration.ofSeconds(2);
    /** Larger than the gateway's socket send buffer (up to 4 MB on Linux) and the client's tiny receive buffer. */
    private static final int ANSWER_CHARS = 12_000_000;
    private static final int RECEIVE_BUFFER = 4096;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aClientThatNeverReadsAWholeJsonAnswerIsCutOffAfterTheStallBound() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, stallingAfter());
             AccessLogCapture log = new AccessLogCapture()) {
            upstream.answer(FakeUpstream.json(200, bigCompletion()));
            assertThat(cutOffReadingNothing(gateway, log, "claude-whole-stall", false))
                    .contains(" status=499 ", " stream=false ", " upstream_status=200 ", " client_disconnected=true");
            assertThat(health(gateway)).isEqualTo(200);
        }
    }

    @Test
    void aStreamingClientAnsweredFromAWholeUpstreamAnswerIsCutOffWhenItReadsNothing() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, stallingAfter());
             AccessLogCapture log = new AccessLogCapture()) {
            upstream.answer(FakeUpstream.json(200, bigCompletion())); // JSON although a stream was asked for
            assertThat(cutOffReadingNothing(gateway, log, "claude-stream-whole-stall", true))
                    .contains(" status=200 ", " stream=true ", " client_disconnected=true");
            assertThat(health(gateway)).isEqualTo(200);
        }
    }

    @Test
    void anAnthropicProvidersWholeAnswerToAClientThatNeverReadsIsCutOff() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, anthropicProvider(upstream));
             AccessLogCapture log = new AccessLogCapture()) {
            upstream.answer(FakeUpstream.json(200, """
                    {"id":"msg_up","type":"message","role":"assistant","model":"claude-sonnet-4-5",\
                    "content":[{"type":"text","text":"%s"}],"stop_reason":"end_turn","stop_sequence":null,\
                    "usage":{"input_tokens":10,"output_tokens":4}}""".formatted("x".repeat(ANSWER_CHARS))));
            assertThat(cutOffReadingNothing(gateway, log, "claude,claude-sonnet-4-5", false)).contains(" status=499 ",
                    " provider=claude,claude-sonnet-4-5 ", " stream=false ", " client_disconnected=true");
            assertThat(health(gateway)).isEqualTo(200);
        }
    }

    @Test
    void anAnthropicProvidersStreamToAClientThatStopsReadingIsCutOffAndItsUpstreamClosed() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, anthropicProvider(upstream));
             AccessLogCapture log = new AccessLogCapture()) {
            CountDownLatch upstreamClosed = new CountDownLatch(1);
            upstream.answer(FakeUpstream.flood(("event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
                    + "\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + "x".repeat(16_000) + "\"}}\n\n")
                    .getBytes(StandardCharsets.UTF_8), upstreamClosed));
            try (RawClient client = RawClient.withReceiveBuffer(gateway.port(), RECEIVE_BUFFER)) {
                long sent = System.nanoTime();
                client.send(request("claude,claude-sonnet-4-5", true));
                assertThat(upstreamClosed.await(20, TimeUnit.SECONDS)).as("upstream closed while the client is connected")
                        .isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(STALL);
                String line = awaitLine(log, "claude,claude-sonnet-4-5");
                assertThat(line).contains(" status=200 ", " stream=true ", " client_disconnected=true");
                client.readUntilClosed(Duration.ofSeconds(10));
            }
            assertThat(health(gateway)).isEqualTo(200);
        }
    }

    @Test
    void aClientThatPipelinesPagesAndReadsNothingIsCutOffToo() throws Exception {
        // The gateway's own answers (the install script, pages, errors) go out with one send, not through a stream:
        // the server bounds each write to the socket all the same.
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, stallingAfter());
             RawClient client = RawClient.withReceiveBuffer(gateway.port(), RECEIVE_BUFFER)) {
            int requests = 400; // some 14 MB of install scripts, more than the socket buffers between hold
            client.send("GET /install.sh HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(requests));
            long sent = System.nanoTime();
            await().atMost(Duration.ofSeconds(10)).until(() -> gateway.server().openConnections() == 1); // accepted
            await().atMost(Duration.ofSeconds(30)).until(() -> gateway.server().openConnections() == 0); // cut off
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(STALL);
            String received = client.readUntilClosed(Duration.ofSeconds(10));
            assertThat(received).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(received.split("HTTP/1.1 200 OK\r\n", -1).length - 1).as("answers that arrived whole or in part")
                    .isLessThan(requests);
            assertThat(health(gateway)).isEqualTo(200);
        }
    }

    @Test
    void aClientThatReadsSlowlyButSteadilyGetsTheWholeAnswerLongAfterTheBound() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, stallingAfter());
             AccessLogCapture log = new AccessLogCapture();
             RawClient client = RawClient.withReceiveBuffer(gateway.port(), RECEIVE_BUFFER)) {
            upstream.answer(FakeUpstream.json(200, bigCompletion()));
            client.send(request("claude-slow-reader", false));
            // 256 KB every 125 ms, about 2 MB/s: the 12 MB answer takes some 6 s to arrive, three times the bound.
            ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
            try {
                PacedReader reader = new PacedReader(client.input(), 256 * 1024);
                long start = System.nanoTime();
                pace.scheduleAtFixedRate(reader::readSome, 0, 125, TimeUnit.MILLISECONDS);
                String answer = reader.done.get(60, TimeUnit.SECONDS);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(STALL.multipliedBy(2));
                String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
                assertThat(answer).startsWith("HTTP/1.1 200 ").contains("Content-Length: " + body.length());
                assertThat(body).contains("\"text\":\"" + "x".repeat(ANSWER_CHARS) + "\"");
            } finally {
                pace.shutdownNow();
            }
            String line = awaitLine(log, "claude-slow-reader");
            assertThat(line).contains(" status=200 ", " stream=false ").doesNotContain("client_disconnected");
        }
    }

    /** Reads a response in steps of at most {@code step} bytes, one step per call, until it is complete. */
    private static final class PacedReader {
        private final InputStream in;
        private final int step;
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final byte[] buffer = new byte[8192];
        private long expected = -1;
        final CompletableFuture<String> done = new CompletableFuture<>();

        PacedReader(InputStream in, int step) {
            this.in = in;
            this.step = step;
        }

        void readSome() {
            try {
                for (int got = 0; got < step && !done.isDone(); ) {
                    int read = in.read(buffer, 0, Math.min(buffer.length, step - got));
                    if (read < 0) {
                        done.completeExceptionally(new AssertionError("closed after " + received.size() + " bytes"));
                        return;
                    }
                    got += read;
                    received.write(buffer, 0, read);
                    if (received.size() == expectedSize()) {
                        done.complete(received.toString(StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                done.completeExceptionally(new UncheckedIOException(e));
            }
        }

        /** The head's length plus its Content-Length, once the head is in; -1 before. */
        private long expectedSize() {
            if (expected < 0) {
                String text = received.toString(StandardCharsets.ISO_8859_1);
                int end = text.indexOf("\r\n\r\n");
                int at = text.indexOf("Content-Length: ");
                if (end >= 0 && at >= 0 && at < end) {
                    expected = end + 4 + Long.parseLong(text.substring(at + 16, text.indexOf("\r\n", at)).strip());
                }
            }
            return expected;
        }
    }

    private static String bigCompletion() {
        return """
                {"id":"gen-1","object":"chat.completion","model":"m","choices":[{"index":0,"finish_reason":"stop",\
                "message":{"role":"assistant","content":"%s"}}],"usage":{"prompt_tokens":10,"completion_tokens":4}}"""
                .formatted("x".repeat(ANSWER_CHARS));
    }

    private static String request(String model, boolean stream) {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\n"
                + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body;
    }

    /** The access log line of the request for {@code model}, once written (it is written when the exchange ends). */
    private static String awaitLine(AccessLogCapture log, String model) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> log.lines().stream().filter(l -> l.contains(" model=" + model + " ")).findFirst(),
                Optional::isPresent).orElseThrow();
    }

    /**
     * Sends a request from a client that then reads nothing; returns the exchange's access log line once written,
     * after checking that it took at least the stall bound and that the connection ended short of the whole answer.
     */
    private static String cutOffReadingNothing(RunningGateway gateway, AccessLogCapture log, String model,
                                               boolean stream) {
        try (RawClient client = RawClient.withReceiveBuffer(gateway.port(), RECEIVE_BUFFER)) {
            long sent = System.nanoTime();
            client.send(request(model, stream));
            String line = awaitLine(log, model);
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).isGreaterThanOrEqualTo(STALL);
            assertClosedShortOfTheWholeAnswer(client);
            return line;
        }
    }

    /** The connection ends after what the kernel's buffers held, well short of the whole answer. */
    private static void assertClosedShortOfTheWholeAnswer(RawClient client) {
        String received = client.readUntilClosed(Duration.ofSeconds(10));
        assertThat(received.length()).isLessThan(ANSWER_CHARS);
    }

    private static int health(RunningGateway gateway) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/health")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static UnaryOperator<GatewayConfig> stallingAfter() {
        return config -> config.withEdge(withStall(config.edge()));
    }

    private static UnaryOperator<GatewayConfig> anthropicProvider(FakeUpstream upstream) {
        return config -> config.withEdge(withStall(config.edge())).withProviders(List.of(new ProviderSettings(
                "claude", "anthropic", URI.create(upstream.baseUrl()), List.of("sk-provider"), null, Map.of())));
    }

    private static GatewayConfig.Edge withStall(GatewayConfig.Edge edge) {
        return new GatewayConfig.Edge(edge.headerTimeout(), STALL, edge.idleTimeout(), edge.maxConnections(),
                edge.maxConnectionsPerClient(), edge.trustedProxies(), edge.corsOrigins());
    }
}
