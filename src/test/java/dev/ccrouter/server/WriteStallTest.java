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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A streaming client that stops reading, while staying connected, must not hold its stream and the upstream call
 * forever: once a write to it has made no progress for the body timeout, the exchange ends as a client gone.
 */
class WriteStallTest {
    static final Duration STALL = Duration.ofSeconds(2);
    static final String DELTA = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "x".repeat(16_000) + "\"}}]}";

    @Test
    void aClientThatStopsReadingIsCutOffAndItsUpstreamClosedAfterTheStallBound() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config.withEdge(stallingAfter(config.edge())));
             AccessLogCapture log = new AccessLogCapture()) {
            CountDownLatch upstreamClosed = new CountDownLatch(1);
            upstream.answer(FakeUpstream.flood(("data: " + DELTA + "\n\n").getBytes(StandardCharsets.UTF_8),
                    upstreamClosed));
            String body = "{\"model\":\"claude-write-stall\",\"max_tokens\":100,\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            try (RawClient client = RawClient.connect(gateway.port())) {
                client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\n"
                        + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body)
                        .readUntil("event: message_start", Duration.ofSeconds(10));
                long stoppedReading = System.nanoTime();
                // From here on the client reads nothing, yet stays connected.
                assertThat(upstreamClosed.await(20, TimeUnit.SECONDS)).as("upstream closed while the client is connected")
                        .isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - stoppedReading)).isGreaterThanOrEqualTo(STALL);
                String line = await().atMost(Duration.ofSeconds(5)).until(
                        () -> log.lines().stream().filter(l -> l.contains(" model=claude-write-stall ")).findFirst(),
                        found -> found.isPresent()).orElseThrow();
                assertThat(line).contains(" status=200 ", " stream=true ", " client_disconnected=true");
            }
        }
    }

    private static GatewayConfig.Edge stallingAfter(GatewayConfig.Edge edge) {
        return new GatewayConfig.Edge(edge.headerTimeout(), STALL, edge.idleTimeout(), edge.maxConnections(),
                edge.maxConnectionsPerClient(), edge.trustedProxies(), edge.corsOrigins());
    }
}
