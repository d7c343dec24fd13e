package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.ThreadDump;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that misbehave on purpose, against the real server, with the process's descriptors and threads counted
 * before and after: whatever they did, the gateway returns to where it was once they are gone, and stays responsive
 * meanwhile. Each test prints one {@code ABUSE} line with its figures (docs/security.md quotes them).
 */
class AbusiveClientsTest {
    static final String STREAM_BODY = "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":100,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String DELTA = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + "x".repeat(16_000) + "\"}}]}";
    static final Duration HEAD_TIMEOUT = Duration.ofSeconds(2);
    static FakeUpstream upstream;
    static RunningGateway gateway;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        // no price fetch: its client and kept-alive connection would appear inside a test's baseline-to-after window
        gateway = RunningGateway.start(upstream, config -> config.withPricingRefresh(Duration.ZERO)
                .withEdge(new dev.ccrouter.config.GatewayConfig.Edge(HEAD_TIMEOUT, Duration.ofSeconds(5),
                        Duration.ofSeconds(5), 512, 128, List.of(), List.of())));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /**
     * What the process holds: open descriptors, the sockets among them, Helidon connection threads (virtual, one per
     * open connection, counted from a full thread dump since no MXBean sees virtual threads), platform threads (the JDK
     * grows its carrier pool under load and shrinks it later, so those are reported, not asserted), resident memory.
     */
    record Footprint(long fds, long sockets, long connectionThreads, int platformThreads, long rssKb) {
        static Footprint now() {
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                long rss = Files.readAllLines(Path.of("/proc/self/status")).stream()
                        .filter(line -> line.startsWith("VmRSS:"))
                        .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
                List<String> open = fds.map(Footprint::target).toList();
                return new Footprint(open.size(), open.stream().filter(fd -> fd.startsWith("socket:")).count(),
                        countConnectionThreads(), ManagementFactory.getThreadMXBean().getThreadCount(), rss);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** What a descriptor is open on ({@code socket:[…]}, a file's path), or "" when it closed meanwhile. */
        private static String target(Path fd) {
            try {
                return Files.readSymbolicLink(fd).toString();
            } catch (IOException closedMeanwhile) {
                return "";
            }
        }

        private static long countConnectionThreads() throws IOException {
            return ThreadDump.count(Pattern.compile("\"ccrouter-connection\"|\\] WebServer socket"));
        }

        @Override
        public String toString() {
            return "fds=" + fds + " sockets=" + sockets + " connection_threads=" + connectionThreads
                    + " platform_threads=" + platformThreads + " rss_mb=" + rssKb / 1024;
        }
    }

    /**
     * Waits until sockets and connection threads are back to the baseline. Sockets, not all descriptors: the ledger's
     * pool opens a database connection (its file and its WAL) whenever its housekeeper next tops up the idle ones,
     * and the JDK opens its helpers' descriptors lazily, at moments no abuser decides.
     */
    static Footprint backTo(Footprint baseline) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            Footprint now = Footprint.now();
            assertThat(now.sockets()).as("open sockets").isLessThanOrEqualTo(baseline.sockets());
            assertThat(now.connectionThreads()).as("connection threads").isLessThanOrEqualTo(baseline.connectionThreads());
        });
        return Footprint.now();
    }

    /** Milliseconds for one {@code GET /health}, from an address none of the abusers use. */
    static double healthMillis() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return (System.nanoTime() - start) / 1e6;
    }

    static String summary(List<Double> millis) {
        List<Double> sorted = millis.stream().sorted().toList();
        return String.format("health_p50_ms=%.1f health_max_ms=%.1f", sorted.get(sorted.size() / 2), sorted.getLast());
    }

    @Test
    void twoHundredSlowlorisConnectionsAreAnswered408AndLeaveNothingBehind() throws Exception {
        healthMillis(); // warm the client and the route before the baseline
        Footprint baseline = Footprint.now();
        List<RawClient> abusers = new ArrayList<>();
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < 200; i++) {
                abusers.add(RawClient.connect("127.0.0." + (10 + i / 100), gateway.port())
                        .send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
            }
            // one more header byte per connection every 300 ms, as a slowloris does
            trickle.scheduleAtFixedRate(() -> abusers.forEach(client -> {
                try {
                    client.send("X");
                } catch (RuntimeException closed) {
                    // answered and closed already
                }
            }), 300, 300, TimeUnit.MILLISECONDS);
            Footprint during = Footprint.now();
            List<Double> health = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                health.add(healthMillis());
            }
            for (RawClient abuser : abusers) {
                assertThat(abuser.readUntilClosed(HEAD_TIMEOUT.plusSeconds(5))).startsWith("HTTP/1.1 408 ");
            }
            trickle.shutdownNow();
            abusers.forEach(RawClient::close);
            Footprint after = backTo(baseline);
            System.out.println("ABUSE slowloris connections=200 before: " + baseline + " during: " + during
                    + " after: " + after + " " + summary(health));
        } finally {
            trickle.shutdownNow();
            abusers.forEach(RawClient::close);
        }
    }

    @Test
    void aClientThatNeverReadsHoldsOnlyBoundedBuffersAndIsReleasedWhenItLeaves() throws Exception {
        healthMillis();
        Footprint baseline = Footprint.now();
        AtomicLong upstreamBytes = new AtomicLong();
        CountDownLatch upstreamStopped = new CountDownLatch(1);
        upstream.answer((request, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
            byte[] event = ("data: " + DELTA + "\n\n").getBytes(StandardCharsets.UTF_8);
            try (OutputStream out = res.outputStream()) {
                for (int i = 0; i < 20_000; i++) { // 320 MB at most, so a broken test still ends
                    out.write(event);
                    out.flush();
                    upstreamBytes.addAndGet(event.length);
                }
            } catch (IOException | RuntimeException e) {
                // the gateway closed the upstream connection
            } finally {
                upstreamStopped.countDown();
            }
        });
        List<Double> health = new ArrayList<>();
        long plateau;
        try (RawClient reader = RawClient.connect("127.0.0.20", gateway.port())) {
            reader.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\n"
                    + "content-type: application/json\r\ncontent-length: " + STREAM_BODY.length() + "\r\n\r\n"
                    + STREAM_BODY);
            reader.readUntil("event: message_start", Duration.ofSeconds(10));
            // From here on the client reads nothing. The upstream must stall once the buffers between are full.
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(new Stalled(upstreamBytes));
            plateau = upstreamBytes.get();
            for (int i = 0; i < 20; i++) {
                health.add(healthMillis());
            }
            assertThat(upstreamStopped.getCount()).as("upstream still connected while the client is").isEqualTo(1);
        }
        assertThat(upstreamStopped.await(10, TimeUnit.SECONDS)).as("upstream released after the client left").isTrue();
        Footprint after = backTo(baseline);
        assertThat(plateau).as("bytes buffered for a client that reads nothing").isLessThan(64L * 1024 * 1024);
        System.out.println("ABUSE never-reading-stream upstream_bytes_before_stall=" + plateau + " before: "
                + baseline + " after: " + after + " " + summary(health));
    }

    @Test
    void fiftyClientsThatLeaveMidStreamLeaveNothingBehind() throws Exception {
        healthMillis();
        Footprint baseline = Footprint.now();
        for (int i = 0; i < 50; i++) {
            CountDownLatch cancelled = new CountDownLatch(1);
            upstream.answer(FakeUpstream.streamUntilCancelled(cancelled,
                    "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"partial answer\"}}]}"));
            try (RawClient client = RawClient.connect("127.0.0.30", gateway.port())) {
                client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\n"
                        + "content-type: application/json\r\ncontent-length: " + STREAM_BODY.length() + "\r\n\r\n"
                        + STREAM_BODY).readUntil("partial answer", Duration.ofSeconds(10));
            }
            assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("upstream cancelled for client %d", i).isTrue();
        }
        Footprint after = backTo(baseline);
        System.out.println("ABUSE disconnect-mid-stream clients=50 before: " + baseline + " after: " + after);
    }

    /** True once the counter has not moved since the previous poll. */
    private static final class Stalled implements java.util.concurrent.Callable<Boolean> {
        private final AtomicLong counter;
        private long last = -1;

        Stalled(AtomicLong counter) {
            this.counter = counter;
        }

        @Override
        public Boolean call() {
            long now = counter.get();
            boolean stalled = now > 0 && now == last;
            last = now;
            return stalled;
        }
    }
}
