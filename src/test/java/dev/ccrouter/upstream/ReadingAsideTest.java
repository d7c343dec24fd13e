package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream's last bytes (the chunked terminator) that come after its last event are read aside, once the caller has
 * what it needs and has closed the response, and the connection then goes back to the pool: closing the response does
 * not abort that reading.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReadingAsideTest {
    private static final String EVENTS = "data: [DONE]\n\n";

    @Test
    void aTerminatorThatComesAfterTheResponseWasClosedStillGivesTheConnectionBack() throws Exception {
        CountDownLatch terminate = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket socket = server.accept()) {
                    RawRequests.readPostOfEmptyObject(socket.getInputStream());
                    byte[] events = EVENTS.getBytes(StandardCharsets.US_ASCII);
                    socket.getOutputStream().write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                            + "transfer-encoding: chunked\r\n\r\n" + Integer.toHexString(events.length) + "\r\n"
                            + EVENTS + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    terminate.await(); // the body's end comes once the caller has closed its response
                    socket.getOutputStream().write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    done.await(); // and the connection stays open, as a keep-alive upstream's does
                } catch (Exception e) {
                    // the test ended
                }
            });
            URI url = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions");
            GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE)
                    .withReadTimeout(Duration.ofSeconds(10));
            try (UpstreamClient client = new UpstreamClient(config)) {
                UpstreamResponse response = client.post(new UpstreamClient.Call(url, null, null, true,
                        UpstreamClient.Attribution.NONE), "{}".getBytes(StandardCharsets.UTF_8));
                assertThat(new String(response.body().readNBytes(EVENTS.length()), StandardCharsets.US_ASCII))
                        .isEqualTo(EVENTS);

                response.finishReadingAside();
                response.close(); // as the handler's try-with-resources does, before the terminator came
                terminate.countDown();

                await().atMost(Duration.ofSeconds(10)).until(() -> client.idleConnections(url) == 1);
            } finally {
                done.countDown();
            }
        }
    }
}
