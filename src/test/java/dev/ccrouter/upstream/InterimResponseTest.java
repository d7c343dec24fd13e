package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interim 1xx responses (a 100 Continue, a CDN's 103 Early Hints) come before the real head and are skipped; but they
 * are the upstream's answer begun, so a connection that ends after one does not get the request posted again.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class InterimResponseTest {
    private static final String EARLY_HINTS = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n";

    @Test
    void interimResponsesBeforeTheHeadAreSkipped() throws Exception {
        try (Upstream upstream = new Upstream("HTTP/1.1 100 Continue\r\n\r\n" + EARLY_HINTS
                + "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}");
             UpstreamClient client = new UpstreamClient(config());
             UpstreamResponse response = client.post(upstream.call(), "{}".getBytes(StandardCharsets.UTF_8))) {
            assertThat(response.status()).isEqualTo(200);
            assertThat(new String(response.readBody(1024), StandardCharsets.UTF_8)).isEqualTo("{}");
        }
    }

    @Test
    void aConnectionThatEndsAfterAnInterimResponseIsNotPostedAgain() throws Exception {
        try (Upstream upstream = new Upstream(EARLY_HINTS);
             UpstreamClient client = new UpstreamClient(config())) {
            assertThatThrownBy(() -> client.post(upstream.call(), "{}".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(UpstreamException.class)
                    .hasMessageEndingWith(": the connection closed after an interim 103 response");
            assertThat(upstream.requests).hasValue(1);
        }
    }

    private static GatewayConfig config() {
        return new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE).withReadTimeout(Duration.ofSeconds(5));
    }

    /** Answers each request on a connection of its own with {@code answer}, then closes the connection. */
    private static final class Upstream implements AutoCloseable {
        private final ServerSocket server;
        final AtomicInteger requests = new AtomicInteger();

        Upstream(String answer) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        InputStream in = socket.getInputStream();
                        RawRequests.readPostOfEmptyObject(in);
                        requests.incrementAndGet();
                        OutputStream out = socket.getOutputStream();
                        out.write(answer.getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    } catch (IOException closed) {
                        // the test's end
                    }
                }
            });
        }

        UpstreamClient.Call call() {
            return new UpstreamClient.Call(URI.create("http://127.0.0.1:" + server.getLocalPort()
                    + "/v1/chat/completions"), null, null, false, UpstreamClient.Attribution.NONE);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
