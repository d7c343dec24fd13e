package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import java.io.InputStream;
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
 * An upstream may answer before it has read the whole body — a 413 for a body over its limit, sent once it read the
 * head, then the connection closed (as Go's server does). That answer is the upstream's: the call returns it, not
 * "Broken pipe" as a 502 that the client then retries, and it does not post the body a second time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EarlyErrorResponseTest {
    private static final String TOO_LARGE = "{\"error\":{\"message\":\"Request Entity Too Large\",\"code\":413}}";

    @Test
    void aResponseSentBeforeTheBodyWasTakenIsReturned() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        requests.incrementAndGet();
                        InputStream in = socket.getInputStream();
                        StringBuilder head = new StringBuilder();
                        while (!head.toString().endsWith("\r\n\r\n")) {
                            int b = in.read();
                            if (b < 0) {
                                break;
                            }
                            head.append((char) b);
                        }
                        socket.getOutputStream().write(("HTTP/1.1 413 Payload Too Large\r\n"
                                + "content-type: application/json\r\nconnection: close\r\ncontent-length: "
                                + TOO_LARGE.length() + "\r\n\r\n" + TOO_LARGE).getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                        socket.shutdownOutput();
                        // then closed with the body unread: a reset
                    } catch (Exception e) {
                        // the test ended
                    }
                }
            });
            GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE)
                    .withReadTimeout(Duration.ofSeconds(2));
            try (UpstreamClient client = new UpstreamClient(config)) {
                UpstreamClient.Call call = new UpstreamClient.Call(
                        URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions"),
                        null, null, false, UpstreamClient.Attribution.NONE);
                try (UpstreamResponse response = client.post(call, new byte[16 * 1024 * 1024])) {
                    assertThat(response.status()).isEqualTo(413);
                    assertThat(new String(response.readBody(1024), StandardCharsets.UTF_8)).isEqualTo(TOO_LARGE);
                }
                assertThat(requests).hasValue(1);
            }
        }
    }
}
