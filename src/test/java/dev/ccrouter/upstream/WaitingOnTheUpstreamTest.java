package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Cancellation#whenWaiting}: what a request needs only while its upstream keeps it waiting runs once the call
 * waits — a connection to open, a read silent for {@link UpstreamClient#PATIENCE}, a body the upstream does not take
 * within it — and never for an answer that is there at once, whatever the body's size; a read that outlasted the
 * patience goes on reading the same response, within the read timeout.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class WaitingOnTheUpstreamTest {
    private static final String ANSWER = "{\"id\":\"gen-1\"}";
    /** The upstream answers at once. */
    private static final Runnable AT_ONCE = () -> { };

    private ServerSocket server;
    private Thread serving;
    /** Before answering the n-th request on the connection, the upstream waits for this (or forever: null). */
    private final List<Runnable> beforeAnswering = new ArrayList<>();
    /** Before reading the n-th request's body, the upstream waits for this (none: it reads it at once). */
    private final List<Runnable> beforeTaking = new ArrayList<>();
    /** Set by a test's waiting action: the call told its exchange that it waits. */
    private final AtomicBoolean toldWaiting = new AtomicBoolean();
    /** How many requests the upstream has answered. */
    private final AtomicInteger answers = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket();
        // A fixed receive buffer, so that a body the upstream does not read fills it (and the sender's) and waits.
        server.setReceiveBufferSize(64 * 1024);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
        serving = Thread.ofPlatform().daemon().start(this::serve);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        serving.join(5_000);
    }

    @Test
    void anAnswerThatIsThereAtOnceRunsNothingAndAFreshConnectionDoes() throws Exception {
        beforeAnswering.addAll(List.of(AT_ONCE, AT_ONCE));
        try (UpstreamClient client = client(Duration.ofSeconds(5))) {
            List<String> first = new ArrayList<>();
            assertThat(call(client, first)).isEqualTo(ANSWER);
            assertThat(first).as("a connection opened: the connect may wait").containsExactly("waiting");

            List<String> second = new ArrayList<>();
            assertThat(call(client, second)).isEqualTo(ANSWER);
            assertThat(second).as("a pooled connection, answered at once").isEmpty();
        }
    }

    @Test
    void anUpstreamSilentBeyondThePatienceRunsTheActionsOnceInOrderAndItsAnswerIsReadWhole() throws Exception {
        // The second answer is held until the call has said it waits: silent beyond the patience, it must.
        beforeAnswering.addAll(List.of(AT_ONCE, () -> await().atMost(Duration.ofSeconds(10)).untilTrue(toldWaiting)));
        try (UpstreamClient client = client(Duration.ofSeconds(5))) {
            call(client, new ArrayList<>());

            List<String> ran = new ArrayList<>();
            Cancellation cancellation = new Cancellation();
            List<Integer> answeredSoFar = new ArrayList<>();
            cancellation.whenWaiting(() -> {
                ran.add("watch");
                answeredSoFar.add(answers.get());
            });
            cancellation.whenWaiting(() -> {
                ran.add("timer");
                toldWaiting.set(true);
            });
            long begun = System.nanoTime();
            try (UpstreamResponse response = client.post(call(), "{}".getBytes(StandardCharsets.UTF_8), cancellation)) {
                assertThat(Duration.ofNanos(System.nanoTime() - begun)).isGreaterThanOrEqualTo(UpstreamClient.PATIENCE);
                assertThat(ran).containsExactly("watch", "timer");
                assertThat(answeredSoFar).as("ran while the second answer was still awaited").containsExactly(1);
                assertThat(response.status()).isEqualTo(200);
                assertThat(new String(response.readBody(1024), StandardCharsets.UTF_8)).isEqualTo(ANSWER);
            }
        }
    }

    @Test
    void aClaudeCodeSizedBodyTheUpstreamTakesAtOnceRunsNothing() throws Exception {
        beforeAnswering.addAll(List.of(AT_ONCE, AT_ONCE));
        try (UpstreamClient client = client(Duration.ofSeconds(5))) {
            call(client, new ArrayList<>());

            List<String> ran = new ArrayList<>();
            assertThat(call(client, ran, new byte[80 * 1024])).isEqualTo(ANSWER);
            assertThat(ran).as("a pooled connection, an 80 KB body taken and answered at once").isEmpty();
        }
    }

    @Test
    void aBodyTheUpstreamDoesNotTakeWithinThePatienceRunsTheActionsWhileItIsSent() throws Exception {
        beforeAnswering.addAll(List.of(AT_ONCE, AT_ONCE));
        // The second body is not read until the call has said it waits: more than both sides' buffers hold, its write
        // waits beyond the patience, and must say so.
        beforeTaking.addAll(List.of(AT_ONCE, () -> await().atMost(Duration.ofSeconds(10)).untilTrue(toldWaiting)));
        try (UpstreamClient client = client(Duration.ofSeconds(5))) {
            call(client, new ArrayList<>());

            List<Integer> answeredSoFar = new ArrayList<>();
            Cancellation cancellation = new Cancellation();
            cancellation.whenWaiting(() -> {
                answeredSoFar.add(answers.get());
                toldWaiting.set(true);
            });
            long begun = System.nanoTime();
            try (UpstreamResponse response = client.post(call(), new byte[16 * 1024 * 1024], cancellation)) {
                assertThat(Duration.ofNanos(System.nanoTime() - begun)).isGreaterThanOrEqualTo(UpstreamClient.PATIENCE);
                assertThat(answeredSoFar).as("ran once, before the second answer").containsExactly(1);
                assertThat(response.status()).isEqualTo(200);
                assertThat(new String(response.readBody(1024), StandardCharsets.UTF_8)).isEqualTo(ANSWER);
            }
        }
    }

    @Test
    void theReadTimeoutStillBoundsTheWholeSilence() throws Exception {
        beforeAnswering.add(AT_ONCE);
        beforeAnswering.add(null); // never answers
        try (UpstreamClient client = client(Duration.ofMillis(400))) {
            call(client, new ArrayList<>());
            List<String> ran = new ArrayList<>();
            Cancellation cancellation = new Cancellation();
            cancellation.whenWaiting(() -> ran.add("waiting"));
            long begun = System.nanoTime();
            assertThatThrownBy(() -> client.post(call(), new byte[0], cancellation))
                    .isInstanceOf(UpstreamException.class)
                    .hasMessageContaining("did not answer in time");
            assertThat(Duration.ofNanos(System.nanoTime() - begun)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
            assertThat(ran).containsExactly("waiting");
        }
    }

    /** One call with its own cancellation, noting what ran as waiting; the answer's body. */
    private String call(UpstreamClient client, List<String> ran) throws IOException {
        return call(client, ran, "{}".getBytes(StandardCharsets.UTF_8));
    }

    private String call(UpstreamClient client, List<String> ran, byte[] body) throws IOException {
        Cancellation cancellation = new Cancellation();
        cancellation.whenWaiting(() -> ran.add("waiting"));
        try (UpstreamResponse response = client.post(call(), body, cancellation)) {
            return new String(response.readBody(1024), StandardCharsets.UTF_8);
        }
    }

    private UpstreamClient.Call call() {
        return new UpstreamClient.Call(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions"),
                null, null, false, UpstreamClient.Attribution.NONE);
    }

    private static UpstreamClient client(Duration readTimeout) {
        GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE).withReadTimeout(readTimeout);
        return new UpstreamClient(config);
    }

    /**
     * One connection; each request's body (of its head's Content-Length) read once its condition holds, and the
     * request answered once the next holds.
     */
    private void serve() {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int n = 0; n < beforeAnswering.size(); n++) {
                Runnable before = beforeAnswering.get(n);
                int length = contentLength(in);
                if (n < beforeTaking.size()) {
                    beforeTaking.get(n).run();
                }
                in.skipNBytes(length);
                if (before == null) {
                    in.read(); // until the client gives up and closes
                    return;
                }
                before.run();
                answers.incrementAndGet();
                out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
                        + ANSWER.length() + "\r\n\r\n" + ANSWER).getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the test ended
        }
    }

    /** Reads a request head; its Content-Length. */
    private static int contentLength(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed");
            }
            head.append((char) b);
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).strip());
            }
        }
        return 0;
    }
}
