package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the client runs between a request and its answer (the server's way of letting other exchanges run first when
 * its carriers are busy, {@code http.Crowd}): once per request, on the caller's thread, after the whole request went
 * out — so that the answer may be on its way meanwhile — and before the answer is read.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BeforeAwaitingAnswerTest {
    private static final String ANSWER = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";

    @Test
    void itRunsOnceARequestIsWhollySentAndBeforeItsAnswerIsRead() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Semaphore requestsRead = new Semaphore(0);
        Semaphore waysMade = new Semaphore(0);
        try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket socket = upstream.accept()) { // both requests on one kept-alive connection
                    OutputStream out = socket.getOutputStream();
                    for (int i = 0; i < 2; i++) {
                        RawRequests.readPostOfEmptyObject(socket.getInputStream());
                        requestsRead.release();
                        // The answer waits for the hook: a client that read it first would wait for nothing.
                        if (!waysMade.tryAcquire(10, TimeUnit.SECONDS)) {
                            return;
                        }
                        out.write(ANSWER.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                } catch (IOException | InterruptedException ended) {
                    // the test's end
                }
            });
            Thread caller = Thread.currentThread();
            try (UpstreamClient client = new UpstreamClient(config(), () -> {
                try {
                    // A hook run before its request went out would wait here for a request the upstream never got.
                    seen.add("after the request was read: " + requestsRead.tryAcquire(10, TimeUnit.SECONDS)
                            + ", on the caller's thread: " + (Thread.currentThread() == caller));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                waysMade.release();
            })) {
                UpstreamClient.Call call = new UpstreamClient.Call(URI.create("http://127.0.0.1:"
                        + upstream.getLocalPort() + "/v1/chat/completions"), null, null, false,
                        UpstreamClient.Attribution.NONE);
                for (int i = 0; i < 2; i++) {
                    try (UpstreamResponse response = client.post(call, "{}".getBytes(StandardCharsets.UTF_8))) {
                        assertThat(new String(response.readBody(1024), StandardCharsets.UTF_8)).isEqualTo("{}");
                    }
                }
            }
        }
        assertThat(seen).containsExactly("after the request was read: true, on the caller's thread: true",
                "after the request was read: true, on the caller's thread: true");
    }

    private static GatewayConfig config() {
        return new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE).withReadTimeout(Duration.ofSeconds(5));
    }
}
