package dev.ccrouter.server;

import static dev.ccrouter.testing.MisbehavingUpstream.head;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.testing.MisbehavingUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RunningGateway;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The departure watch starts only once the upstream keeps a request waiting ({@link LateDepartureWatch}). A stream the
 * upstream answered at once never started one, and must not leave the connection unwatched for its next request: the
 * client leaving that one while the upstream is silent still cancels the upstream within a second.
 */
class LateDepartureWatchTest {
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
                client.send(request("claude-late-watch-fast"));
                assertThat(client.readUntil("ccrouter-billing", Duration.ofSeconds(5))).contains("event: message_stop");
            }

            CountDownLatch called = new CountDownLatch(1);
            CountDownLatch upstreamClosed = new CountDownLatch(1);
            upstream.behave((socket, out) -> {
                called.countDown();
                awaitEndOfStream(socket.getInputStream());
                upstreamClosed.countDown();
            });
            client.send(request("claude-late-watch-second"));
            assertThat(called.await(5, TimeUnit.SECONDS)).as("the upstream was called").isTrue();
            client.close();
            await().atMost(Duration.ofSeconds(1)).until(() -> upstreamClosed.getCount() == 0);
        }
    }

    private static String request(String model) {
        String body = "{\"model\":\"" + model + "\",\"max_tokens\":100,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\n"
                + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body;
    }

    /** Blocks until the gateway closes its end of the upstream connection. */
    private static void awaitEndOfStream(InputStream in) {
        try {
            while (in.read() >= 0) {
                // the gateway sends nothing more on this connection: only its end matters
            }
        } catch (IOException e) {
            // a reset ends it too
        }
    }
}
