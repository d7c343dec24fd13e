package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A pooled connection that ends without an answer is sent its request again on a fresh one only when it ended at
 * once, as a connection the provider had closed while it idled does. One that held the request first had it read:
 * the provider was generating (and billing) it when the connection dropped, and posting it again would bill it twice.
 * The client's clock is the test's, moved while the provider holds the request.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeldRequestTest {
    private static final String OK = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    /** Completes once the provider has read the second request, which it then holds. */
    private final CompletableFuture<Void> holding = new CompletableFuture<>();
    /** Completed by the test: the provider drops the connection holding the request. */
    private final CompletableFuture<Void> drop = new CompletableFuture<>();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    @Test
    void aPooledConnectionThatHeldTheRequestBeforeItEndedHasItNotSentAgain() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             UpstreamClient client = client()) {
            UpstreamClient.Call call = serve(server);
            assertThat(post(client, call)).isEqualTo(200); // its connection goes back to the pool

            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> post(client, call));
            holding.get(10, TimeUnit.SECONDS);
            now.addAndGet(UpstreamClient.STALE_WITHIN.plusMillis(1).toNanos()); // the provider works on it a while
            drop.complete(null);

            assertThatThrownBy(() -> second.join()).cause().isInstanceOfSatisfying(UpstreamException.class,
                    e -> assertThat(e.error().message()).isEqualTo("Could not reach the upstream at "
                            + call.url() + ": the connection closed before a response"));
            assertThat(connections).as("connections the client opened").hasValue(1);
            assertThat(requests).as("POSTs the provider read").hasValue(2);
        }
        closeAccepted();
    }

    @Test
    void aPooledConnectionThatEndedAtOnceHasTheRequestSentAgainOnAFreshOne() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             UpstreamClient client = client()) {
            UpstreamClient.Call call = serve(server);
            assertThat(post(client, call)).isEqualTo(200);

            CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> post(client, call));
            holding.get(10, TimeUnit.SECONDS);
            drop.complete(null); // no time passed: as a connection closed while it idled ends

            assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(connections).as("connections the client opened").hasValue(2);
            assertThat(requests).as("POSTs the provider read: the dropped one's was answered on the fresh one")
                    .hasValue(3);
        }
        closeAccepted();
    }

    private UpstreamClient client() {
        GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE)
                .withReadTimeout(Duration.ofSeconds(10));
        return new UpstreamClient(config, () -> (SSLSocketFactory) SSLSocketFactory.getDefault(), now::get);
    }

    /**
     * The provider: its first connection answers the first request, reads the second and holds it until
     * {@link #drop}, then closes; any later connection answers every request.
     */
    private UpstreamClient.Call serve(ServerSocket server) {
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket socket = server.accept();
                    accepted.add(socket);
                    boolean first = connections.incrementAndGet() == 1;
                    Thread.ofVirtual().start(() -> answer(socket, first));
                }
            } catch (IOException e) {
                // the test ended
            }
        });
        return new UpstreamClient.Call(URI.create("http://127.0.0.1:" + server.getLocalPort() + "/v1/chat/completions"),
                null, null, false, UpstreamClient.Attribution.NONE);
    }

    private void answer(Socket socket, boolean first) {
        try (socket) {
            for (int n = 1; ; n++) {
                RawRequests.readPostOfEmptyObject(socket.getInputStream());
                requests.incrementAndGet();
                if (first && n == 2) {
                    holding.complete(null);
                    drop.join();
                    return; // closed without a byte of answer
                }
                socket.getOutputStream().write(OK.getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
            }
        } catch (IOException e) {
            // the client closed
        }
    }

    private static int post(UpstreamClient client, UpstreamClient.Call call) {
        try (UpstreamResponse response = client.post(call, "{}".getBytes(StandardCharsets.UTF_8))) {
            response.readBody(16);
            return response.status();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void closeAccepted() throws IOException {
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
