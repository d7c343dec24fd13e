package dev.ccrouter.server;

import static dev.ccrouter.testing.MisbehavingUpstream.head;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.MisbehavingUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.ThreadDump;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that leaves while nothing is being written to it — the upstream has not answered yet, or a whole answer is
 * being read — is noticed, and the upstream call is cancelled within a second: closing the upstream connection is what
 * stops a provider generating and billing. The upstream here holds every call open and notes when the gateway closes it.
 */
class ClientDepartureTest {
    /** A whole stream, sent at once. */
    private static final String EVENTS = "data: {\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":"
            + "{\"role\":\"assistant\",\"content\":\"Hi\"},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"id\":\"gen-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":1}}\n\n"
            + "data: [DONE]\n\n";
    private static final int FAST_STREAMS = 30;

    static MisbehavingUpstream upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = MisbehavingUpstream.start();
        gateway = RunningGateway.start(upstream.baseUrl(), config -> config);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aClientGoneWhileAWholeAnswerIsAwaitedCancelsTheUpstreamWithinASecond() throws Exception {
        leaveAndExpectCancellation("claude-departure-whole-head", false, new byte[0]);
    }

    @Test
    void aClientGoneWhileAWholeAnswerIsBeingReadCancelsTheUpstreamWithinASecond() throws Exception {
        byte[] partial = concat(head(200, "content-type", "application/json", "content-length", "4000"),
                "{\"id\":\"chatcmpl-1\",\"choices\":[".getBytes(StandardCharsets.UTF_8));
        leaveAndExpectCancellation("claude-departure-whole-body", false, partial);
    }

    @Test
    void aClientGoneBeforeTheUpstreamStartsItsStreamCancelsTheUpstreamWithinASecond() throws Exception {
        leaveAndExpectCancellation("claude-departure-stream-head", true, new byte[0]);
    }

    /**
     * A request whose client left is not answered at all: the handler gives the response up, rather than leave it
     * unsent for the server to answer as a failure of its own ("Internal gateway error", logged as an error). A client
     * that only half-closed reads whatever is sent, so it shows what the server did.
     */
    @Test
    void aClientGoneBeforeAnyAnswerGetsNoneAndNoErrorIsLogged() throws Exception {
        CountDownLatch called = new CountDownLatch(1);
        upstream.behave((socket, out) -> {
            called.countDown();
            awaitEndOfStream(socket);
        });
        String body = "{\"model\":\"claude-departure-half-close\",\"max_tokens\":100,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (AccessLogCapture serverLog = new AccessLogCapture(GatewayServer.class.getName());
             RawClient client = RawClient.connect(gateway.port())) {
            client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\n"
                    + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body);
            assertThat(called.await(5, TimeUnit.SECONDS)).as("the upstream was called").isTrue();
            client.finishSending();

            assertThat(client.readUntilClosed(Duration.ofSeconds(5))).isEmpty();
            assertThat(serverLog.lines()).noneMatch(line -> line.contains(" failed: "));
        }
    }

    /**
     * The edge polls the client's socket: no read probe runs (it would cost a timed-out read every 101 ms, an
     * exception each) and a quiet open stream gets no liveness writes (they cost most of a busy gateway's CPU with
     * thousands of quiet streams), yet a client leaving it still cancels the upstream within a second.
     */
    @Test
    void aQuietOpenStreamIsWatchedWithoutReadProbeOrWritesAndItsClientLeavingIsNoticed() throws Exception {
        CountDownLatch called = new CountDownLatch(1);
        CountDownLatch upstreamClosed = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        upstream.behave((socket, out) -> {
            called.countDown();
            release.await(10, TimeUnit.SECONDS);
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk("data: {\"id\":\"gen-p\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Thinking\"}}]}\n\n"));
            out.flush();
            awaitEndOfStream(socket);
            upstreamClosed.countDown();
        });
        String body = "{\"model\":\"claude-probe\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (RawClient client = RawClient.connect(gateway.port())) {
            client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\n"
                    + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body);
            assertThat(called.await(5, TimeUnit.SECONDS)).as("the upstream was called").isTrue();
            assertThat(readProbes()).as("read probes while the upstream is silent").isZero();
            release.countDown();
            client.readUntil("Thinking", Duration.ofSeconds(5));
            client.readUntil("\n\n\r\n", Duration.ofSeconds(5)); // the rest of that event and of its chunk

            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> client.input().available() == 0); // the ping interval is 10 s: nothing is due
            assertThat(readProbes()).as("read probes while the stream is quiet").isZero();
        }
        await().atMost(Duration.ofSeconds(1)).until(() -> upstreamClosed.getCount() == 0);
    }

    /**
     * The watch starts only once the upstream keeps a request waiting ({@link LateDepartureWatch}). A stream the
     * upstream answered at once never started one, and must not leave the connection unwatched for its next request:
     * the client leaving that one while the upstream is silent still cancels the upstream within a second.
     */
    @Test
    void afterAStreamAnsweredAtOnceTheConnectionsNextRequestIsStillWatched() throws Exception {
        byte[] events = EVENTS.getBytes(StandardCharsets.UTF_8);
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "content-length", String.valueOf(events.length)));
            out.write(events);
            out.flush();
        });
        try (RawClient client = RawClient.connect(gateway.port())) {
            // Warm: the first requests open the upstream connection (which counts as waiting) and compile; the last
            // ones are answered well within the patience, without a watch.
            for (int i = 0; i < FAST_STREAMS; i++) {
                client.send(streamRequest("claude-late-watch-fast"));
                assertThat(client.readUntil("ccrouter-billing", Duration.ofSeconds(5))).contains("event: message_stop");
            }

            CountDownLatch called = new CountDownLatch(1);
            CountDownLatch upstreamClosed = new CountDownLatch(1);
            upstream.behave((socket, out) -> {
                called.countDown();
                awaitEndOfStream(socket);
                upstreamClosed.countDown();
            });
            client.send(streamRequest("claude-late-watch-second"));
            assertThat(called.await(5, TimeUnit.SECONDS)).as("the upstream was called").isTrue();
            client.close();
            await().atMost(Duration.ofSeconds(1)).until(() -> upstreamClosed.getCount() == 0);
        }
    }

    private static String streamRequest(String model) {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\n"
                + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body;
    }

    /** Helidon's read probes running in this JVM (its virtual threads are named for them; a thread dump sees them). */
    private static long readProbes() throws IOException {
        return ThreadDump.count(Pattern.compile("\"name\": \"helidon-socket-monitor-"));
    }

    private static byte[] chunk(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        return concat((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII),
                concat(bytes, "\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    /**
     * The upstream writes {@code upstreamSends} and then holds the call; the client leaves once the call reached it.
     * The upstream connection must close within a second, and the access log record a client gone (499), no error.
     */
    private static void leaveAndExpectCancellation(String model, boolean stream, byte[] upstreamSends) throws Exception {
        CountDownLatch called = new CountDownLatch(1);
        CountDownLatch upstreamClosed = new CountDownLatch(1);
        upstream.behave((socket, out) -> {
            out.write(upstreamSends);
            out.flush();
            called.countDown();
            awaitEndOfStream(socket);
            upstreamClosed.countDown();
        });
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":" + stream
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        try (AccessLogCapture log = new AccessLogCapture()) {
            try (RawClient client = RawClient.connect(gateway.port())) {
                client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\n"
                        + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body);
                assertThat(called.await(5, TimeUnit.SECONDS)).as("the upstream was called").isTrue();
            }

            await().atMost(Duration.ofSeconds(1)).until(() -> upstreamClosed.getCount() == 0);
            String line = await().atMost(Duration.ofSeconds(5)).until(
                    () -> log.lines().stream().filter(l -> l.contains(" model=" + model + " ")).findFirst(),
                    found -> found.isPresent()).orElseThrow();
            assertThat(line).contains(" status=499 ", " stream=" + stream + " ", " client_disconnected=true")
                    .doesNotContain(" error=");
        }
    }

    /** Blocks until the gateway closes its end of the upstream connection. */
    private static void awaitEndOfStream(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() >= 0) {
                // the gateway sends nothing more on this connection: only its end matters
            }
        } catch (IOException e) {
            // a reset ends it too
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
