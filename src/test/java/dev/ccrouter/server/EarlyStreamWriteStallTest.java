package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RunningGateway;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stream started early (the upstream silent past {@code stream.early_start_seconds}) is opened from a thread of its
 * own, not the connection's: its client's writes must still be bounded, and a client that stops reading must still be
 * cut off — its connection closed, its exchange ended and logged — after the write-stall bound.
 */
class EarlyStreamWriteStallTest {
    private static final Duration STALL = Duration.ofSeconds(2);
    private static final Duration EARLY = Duration.ofMillis(300);

    @Test
    void aStreamStartedEarlyWhoseClientStopsReadingIsCutOffAfterTheStallBound() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream,
                     config -> config.withEarlyStart(EARLY).withEdge(withStall(config.edge())));
             AccessLogCapture log = new AccessLogCapture()) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch upstreamClosed = new CountDownLatch(1);
            FakeUpstream.Script flood = FakeUpstream.flood(
                    ("data: " + WriteStallTest.DELTA + "\n\n").getBytes(StandardCharsets.UTF_8), upstreamClosed);
            upstream.answer((request, res) -> {
                assertThat(release.await(20, TimeUnit.SECONDS)).isTrue(); // silent until the stream has started
                flood.answer(request, res);
            });
            String body = "{\"model\":\"claude-early-stall\",\"max_tokens\":100,\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            try (RawClient client = RawClient.withReceiveBuffer(gateway.port(), 4096)) {
                client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\n"
                        + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body)
                        .readUntil("event: ping", Duration.ofSeconds(10)); // started early, before the upstream spoke
                long stoppedReading = System.nanoTime();
                release.countDown();
                // From here on the client reads nothing, yet stays connected.
                assertThat(upstreamClosed.await(20, TimeUnit.SECONDS)).isTrue();
                String line = await().atMost(Duration.ofSeconds(20)).until(
                        () -> log.lines().stream().filter(l -> l.contains(" model=claude-early-stall ")).findFirst(),
                        Optional::isPresent).orElseThrow();
                assertThat(Duration.ofNanos(System.nanoTime() - stoppedReading)).isGreaterThanOrEqualTo(STALL);
                assertThat(line).contains(" status=200 ", " stream=true ", " client_disconnected=true");
                client.readUntilClosed(Duration.ofSeconds(10));
            }
        }
    }

    private static GatewayConfig.Edge withStall(GatewayConfig.Edge edge) {
        return new GatewayConfig.Edge(edge.headerTimeout(), STALL, edge.idleTimeout(), edge.maxConnections(),
                edge.maxConnectionsPerClient(), edge.trustedProxies(), edge.corsOrigins());
    }
}
