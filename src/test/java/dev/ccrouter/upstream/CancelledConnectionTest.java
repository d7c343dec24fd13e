package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A cancelled call's connection is closed by {@link Cancellation#cancel()}, outside its lock: one whose body then ends
 * (its last bytes were already read in) must not go back to the pool, where the next request would take it and have it
 * closed under it — after its POST went out, which then looks like a stale connection and is posted a second time.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CancelledConnectionTest {
    private static final String EVENT = "data: [DONE]\n\n";
    private static final String ANSWER = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            + "transfer-encoding: chunked\r\n\r\n" + Integer.toHexString(EVENT.length()) + "\r\n" + EVENT + "\r\n0\r\n\r\n";

    @Test
    void aCancelledCallsConnectionIsNotGivenBackToThePoolWhenItsBodyEnds() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             UpstreamClient client = new UpstreamClient(config())) {
            Thread.ofVirtual().start(() -> {
                try (Socket socket = server.accept()) {
                    InputStream in = socket.getInputStream();
                    RawRequests.readPostOfEmptyObject(in);
                    socket.getOutputStream().write(ANSWER.getBytes(StandardCharsets.US_ASCII)); // head and body at once
                    socket.getOutputStream().flush();
                    in.read(); // until the client closes
                } catch (IOException e) {
                    // the test's end
                }
            });
            URI url = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions");
            Cancellation cancellation = new Cancellation();
            try (UpstreamResponse response = client.post(new UpstreamClient.Call(url, null, null, true,
                    UpstreamClient.Attribution.NONE), "{}".getBytes(StandardCharsets.UTF_8), cancellation)) {
                cancellation.cancel(); // the client left: the connection is closed
                // what was read in with the head is still read to its end, which releases the connection
                assertThat(new String(response.body().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(EVENT);
            }
            assertThat(client.idleConnections(url)).as("closed connections in the pool").isZero();
        }
    }

    private static GatewayConfig config() {
        return new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE).withReadTimeout(Duration.ofSeconds(5));
    }
}
