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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HAProxy and Google's front ends write a 408 on a keep-alive connection whose idle timeout ended, then close it. A
 * pooled connection holding such a 408 has not read the next request: the request goes out again on a fresh
 * connection and its real answer is returned, not the stale 408 (which the gateway would take for the provider's).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IdleTimeoutAnswerTest {
    private static final String OK = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 9\r\n\r\n";
    /** HAProxy's own 408 page, as it writes it on an idle connection. */
    private static final String IDLE_408 = "HTTP/1.0 408 Request Time-out\r\nCache-Control: no-cache\r\n"
            + "Connection: close\r\nContent-Type: text/html\r\n\r\n<html><body><h1>408 Request Time-out</h1>\n"
            + "Your browser didn't send a complete request in time.\n</body></html>\n";

    @Test
    void aStale408OnAPooledConnectionHasTheRequestSentAgainOnAFreshOne() throws Exception {
        CompletableFuture<Void> timeUp = new CompletableFuture<>();
        CompletableFuture<Void> closedForIdleness = new CompletableFuture<>();
        AtomicInteger freshRequests = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             UpstreamClient client = new UpstreamClient(config())) {
            Thread.ofVirtual().start(() -> serve(server, "{\"n\":\"1\"}", new AtomicInteger(), socket -> {
                timeUp.join(); // the idle timeout ends while the connection waits in the pool
                socket.getOutputStream().write(IDLE_408.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                socket.shutdownOutput();
                closedForIdleness.complete(null);
            }));
            URI url = URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions");
            UpstreamClient.Call call = new UpstreamClient.Call(url, null, null, false, UpstreamClient.Attribution.NONE);

            assertThat(answer(client, call)).isEqualTo("200 {\"n\":\"1\"}");
            assertThat(client.idleConnections(url)).isEqualTo(1);
            Thread.ofVirtual().start(() -> serve(server, "{\"n\":\"2\"}", freshRequests, socket -> { }));
            timeUp.complete(null);
            closedForIdleness.get(10, TimeUnit.SECONDS);

            assertThat(answer(client, call)).isEqualTo("200 {\"n\":\"2\"}");
            assertThat(freshRequests).as("requests the fresh connection read").hasValue(1);
        }
    }

    private static String answer(UpstreamClient client, UpstreamClient.Call call) throws IOException {
        try (UpstreamResponse response = client.post(call, "{}".getBytes(StandardCharsets.UTF_8))) {
            return response.status() + " " + new String(response.readBody(1024), StandardCharsets.UTF_8);
        }
    }

    private interface Then {
        void run(Socket socket) throws IOException;
    }

    /**
     * Accepts one connection, answers its first request with {@code body} and does {@code then}; counts in
     * {@code requests} each request it reads, until the client closes.
     */
    private static void serve(ServerSocket server, String body, AtomicInteger requests, Then then) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            if (readRequest(in)) {
                requests.incrementAndGet();
                socket.getOutputStream().write((OK + body).getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                then.run(socket);
            }
            while (readRequest(in)) {
                requests.incrementAndGet();
            }
        } catch (IOException e) {
            // the test ended
        }
    }

    /** Reads one request (head and its two-byte body); false at the connection's end. */
    private static boolean readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.append((char) b);
        }
        return in.readNBytes(2).length == 2;
    }

    private static GatewayConfig config() {
        return new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE).withReadTimeout(Duration.ofSeconds(5));
    }
}
