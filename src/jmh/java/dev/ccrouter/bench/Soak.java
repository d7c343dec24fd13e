package dev.ccrouter.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.bench.SoakUpstream.Fault;
import dev.ccrouter.rehearsal.ClaudeCodeBodies;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@code bench/soak}: the gateway as its own process under a long, mixed, moderately paced load on 127.0.0.1 —
 * streaming and JSON, small and Claude-Code-sized bodies, clients that drop streams, an upstream that fails in every
 * way ({@link SoakUpstream}), slowloris connections — with its RSS, threads, open descriptors and {@code /health}
 * latency sampled every 10 s into a CSV, and a Markdown summary at the end: does anything grow?
 *
 * <pre>
 * Soak OUT MINUTES RATE JAVA JAR     RATE requests a second in all; JAVA and JAR start the gateway
 * </pre>
 */
public final class Soak {
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);
    private static final int WORKERS = 24;
    private static final int SLOWLORIS_AT_ONCE = 4;
    private static final String MODEL = "claude-sonnet-5";

    /** One kind of client request and how often it is drawn (weights add up to 100). */
    private record Scenario(String name, int weight, boolean big, boolean stream, Fault fault, boolean disconnect) {
    }

    private static final List<Scenario> SCENARIOS = List.of(
            new Scenario("small json", 20, false, false, Fault.NONE, false),
            new Scenario("small stream", 24, false, true, Fault.NONE, false),
            new Scenario("80 KB stream", 14, true, true, Fault.NONE, false),
            new Scenario("80 KB json", 4, true, false, Fault.NONE, false),
            new Scenario("slow stream", 5, false, true, Fault.SLOW, false),
            new Scenario("slow stream, client drops it", 8, false, true, Fault.SLOW, true),
            new Scenario("80 KB slow stream, client drops it", 4, true, true, Fault.SLOW, true),
            new Scenario("upstream 500", 4, false, false, Fault.ERROR500, false),
            new Scenario("upstream 429", 3, false, true, Fault.ERROR429, false),
            new Scenario("upstream cuts the stream", 5, false, true, Fault.TRUNCATE, false),
            new Scenario("upstream sends a broken chunk", 3, false, true, Fault.GARBAGE, false),
            new Scenario("upstream stalls past the read timeout", 2, false, true, Fault.STALL, false),
            new Scenario("upstream resets the connection", 4, false, false, Fault.RESET, false));

    private final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder bad = new LongAdder();

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Duration length = Duration.ofSeconds(Math.round(Double.parseDouble(args[1]) * 60));
        int rate = Integer.parseInt(args[2]);
        Files.createDirectories(out);
        new Soak().run(out, length, rate, args[3], args[4]);
    }

    private void run(Path out, Duration length, int rate, String java, String jar) throws Exception {
        try (SoakUpstream upstream = SoakUpstream.start()) {
            int port = freePort();
            Path config = out.resolve("soak.yaml");
            // A short upstream read timeout so that stalls end in a minute's fraction, not Claude Code's 10 minutes.
            Files.writeString(config, "upstream:\n  base_url: " + upstream.baseUrl() + "\n  read_timeout_seconds: 5\n");
            // The launcher's run flags (./ccrouter): serial GC, 1 GB heap bound; the jar is a copy, so a rebuild
            // during the soak cannot pull classes from under it.
            Process gateway = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xmx1g", "-jar", jar, "serve",
                    "--port", String.valueOf(port), "--config", config.toString(),
                    "--data-dir", out.resolve("data").toString())
                    .redirectErrorStream(true).redirectOutput(out.resolve("gateway.log").toFile()).start();
            try {
                SoakClient client = new SoakClient(port);
                awaitHealthy(client);
                runLoad(out, length, rate, client, gateway.pid());
            } finally {
                gateway.destroy();
                gateway.waitFor();
            }
        }
    }

    private void runLoad(Path out, Duration length, int rate, SoakClient client, long pid) throws Exception {
        Map<Scenario, byte[]> small = new ConcurrentHashMap<>();
        Map<Scenario, byte[]> big = new ConcurrentHashMap<>();
        for (Scenario scenario : SCENARIOS) {
            (scenario.big() ? big : small).put(scenario, SoakClient.post(body(scenario), scenario.stream()));
        }
        List<Sample> samples = new ArrayList<>();
        samples.add(Sample.take(pid, 0, client, 0, 0));
        AtomicBoolean running = new AtomicBoolean(true);
        long start = System.nanoTime();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        // Open-loop pacing: a request starts every 1/rate s whatever the earlier ones are doing, on its own virtual
        // thread; at most WORKERS are in flight, so a gateway that stops answering cannot pile up clients.
        Semaphore inFlight = new Semaphore(WORKERS);
        clock.scheduleAtFixedRate(() -> {
            if (!inFlight.tryAcquire()) {
                count("any", "skipped: " + WORKERS + " requests already in flight");
                return;
            }
            Thread.ofVirtual().start(() -> {
                try {
                    Scenario scenario = draw();
                    byte[] request = (scenario.big() ? big : small).get(scenario);
                    String outcome = scenario.disconnect()
                            ? client.disconnect(request, ThreadLocalRandom.current().nextBoolean())
                            : client.exchange(request, scenario.stream());
                    count(scenario.name(), outcome);
                } finally {
                    inFlight.release();
                }
            });
        }, 0, 1_000_000_000L / rate, TimeUnit.NANOSECONDS);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < SLOWLORIS_AT_ONCE; i++) {
            boolean body = i % 2 == 1;
            threads.add(Thread.ofVirtual().name("soak-slowloris-" + i).start(() -> {
                while (running.get()) {
                    count(body ? "slowloris, body" : "slowloris, head", client.slowloris(body));
                }
            }));
        }
        clock.scheduleAtFixedRate(() -> {
            samples.add(Sample.take(pid, (System.nanoTime() - start) / 1e9, client, requests.sum(), bad.sum()));
            System.err.println("soak: " + samples.getLast());
        }, SAMPLE_EVERY.toNanos(), SAMPLE_EVERY.toNanos(), TimeUnit.NANOSECONDS);
        // the run's end, as a task on the same clock, so no sample is being taken while it stops
        clock.schedule(() -> running.set(false), length.toNanos(), TimeUnit.NANOSECONDS).get();
        clock.shutdownNow();
        clock.awaitTermination(1, TimeUnit.MINUTES);
        inFlight.acquire(WORKERS); // every paced request has ended
        for (Thread thread : threads) {
            thread.join(Duration.ofMinutes(4));
        }
        // the load is over: let the gateway's idle connections time out (30 s), then its state should be the idle one
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        Sample after = later.schedule(() -> Sample.take(pid, (System.nanoTime() - start) / 1e9, client,
                requests.sum(), bad.sum()), 35, TimeUnit.SECONDS).get();
        later.shutdown();
        SoakReport report = new SoakReport(length, rate, samples, after, outcomes);
        Files.writeString(out.resolve("samples.csv"), report.csv());
        Files.writeString(out.resolve("soak.md"), report.markdown());
        System.out.print(report.markdown());
    }

    private void count(String scenario, String outcome) {
        outcomes.computeIfAbsent(scenario + " → " + outcome, k -> new LongAdder()).increment();
        requests.increment();
        if (outcome.startsWith("BAD")) {
            bad.increment();
        }
    }

    private static Scenario draw() {
        int roll = ThreadLocalRandom.current().nextInt(100);
        for (Scenario scenario : SCENARIOS) {
            roll -= scenario.weight();
            if (roll < 0) {
                return scenario;
            }
        }
        return SCENARIOS.getFirst();
    }

    /** The scenario's body, with its fault's marker in the user's text for the upstream to find. */
    private static byte[] body(Scenario scenario) {
        ObjectNode body = scenario.big()
                ? ClaudeCodeBodies.toolRoundTrip(MODEL, 80_000, scenario.stream())
                : ClaudeCodeBodies.small(MODEL, scenario.stream());
        if (scenario.fault() != Fault.NONE) {
            ObjectNode first = (ObjectNode) body.get("messages").get(0);
            JsonNode content = first.get("content");
            if (content.isTextual()) {
                first.put("content", content.asText() + " " + scenario.fault().marker());
            } else {
                ((ArrayNode) content).addObject().put("type", "text").put("text", scenario.fault().marker());
            }
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void awaitHealthy(SoakClient client) {
        await("the gateway's /health").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> client.healthMillis() >= 0);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** One look at the gateway process. */
    record Sample(double seconds, long rssKb, long threads, long descriptors, double healthMillis, double cpuSeconds,
                  long requests, long bad) {
        static Sample take(long pid, double seconds, SoakClient client, long requests, long bad) {
            ProcessLook look = ProcessLook.of(pid);
            return new Sample(seconds, look.rssKb(), look.threads(), look.descriptors(), client.healthMillis(),
                    look.cpuSeconds(), requests, bad);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%6.0f s  rss %d MB  threads %d  fds %d  health %.1f ms  requests %d  bad %d",
                    seconds, rssKb / 1024, threads, descriptors, healthMillis, requests, bad);
        }
    }
}
