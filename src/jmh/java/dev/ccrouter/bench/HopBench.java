package dev.ccrouter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.route.Router;
import dev.ccrouter.rehearsal.ClaudeCodeBodies;
import dev.ccrouter.translate.MessagesRequestTranslator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sequential half of {@code bench/run}: one client, three keep-alive connections, requests interleaved
 * round-robin between the upstream itself ("direct", the translated OpenAI body), an nginx pass-through hop to it
 * ("floor", the same body) and the gateway (the Anthropic body), so that all three see the same machine load.
 * "Added" is a path's percentile minus direct's. Writes Markdown fragments and SVG plots into an output directory.
 *
 * <pre>
 * HopBench bodies    OUT                                  request bodies for wrk (small, stream and not)
 * HopBench warmup    OUT DIRECT FLOOR GATEWAY REQUESTS    a fresh gateway: added p50 against request number
 * HopBench sequential OUT DIRECT FLOOR GATEWAY REQUESTS   warm: p50/p90/p99, first byte and stream span, per body
 * (-Dhopbench.bodies=claude-code: the 78 KB body only)
 * </pre>
 * DIRECT and FLOOR are chat-completions URLs, GATEWAY the gateway's /v1/messages URL.
 */
public final class HopBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MODEL = "claude-sonnet-5";
    private static final String[] PATHS = {"direct", "floor", "gateway"};

    /** One request body in both dialects. */
    record Body(String name, boolean stream, byte[] anthropic, byte[] openAi) {
    }

    private HopBench() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[1]);
        Files.createDirectories(out);
        switch (args[0]) {
            case "bodies" -> writeBodies(out);
            case "warmup" -> warmup(out, args[2], args[3], args[4], Integer.parseInt(args[5]));
            case "sequential" -> sequential(out, args[2], args[3], args[4], Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    static Body body(boolean claudeCodeSized, boolean stream) {
        ObjectNode anthropic = claudeCodeSized
                ? ClaudeCodeBodies.toolRoundTrip(MODEL, 80_000, stream)
                : ClaudeCodeBodies.small(MODEL, stream);
        GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE);
        var target = new Router(config).decide(anthropic, 0).first().target();
        try {
            byte[] anthropicBytes = JSON.writeValueAsBytes(anthropic);
            byte[] openAi = JSON.writeValueAsBytes(new MessagesRequestTranslator(JSON).translate(anthropic, target, null).body());
            String size = claudeCodeSized ? "Claude Code (" + anthropicBytes.length / 1024 + " KB)" : "small (" + anthropicBytes.length + " B)";
            return new Body(size, stream, anthropicBytes, openAi);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void writeBodies(Path out) throws IOException {
        for (boolean stream : new boolean[] {true, false}) {
            Body body = body(false, stream);
            String mode = stream ? "stream" : "json";
            Files.write(out.resolve("small-" + mode + ".anthropic.json"), body.anthropic());
            Files.write(out.resolve("small-" + mode + ".openai.json"), body.openAi());
            Files.write(out.resolve("claude-code-" + mode + ".anthropic.json"), body(true, stream).anthropic());
        }
    }

    /** Three connections, one per path, and the request bytes each one sends for a body. */
    private record Paths(RawHttpClient[] clients) implements AutoCloseable {
        static Paths of(String direct, String floor, String gateway) {
            return new Paths(new RawHttpClient[] {new RawHttpClient(direct), new RawHttpClient(floor), new RawHttpClient(gateway)});
        }

        /**
         * A "floor" at {@code /v1/messages} is a second gateway (a baseline build, for an A/B in one run): it is sent
         * the Anthropic body, as the gateway is.
         */
        byte[][] requests(Body body) {
            boolean stream = body.stream();
            byte[] floorBody = clients[1].path().endsWith("/v1/messages") ? body.anthropic() : body.openAi();
            return new byte[][] {clients[0].post(body.openAi(), stream), clients[1].post(floorBody, stream),
                    clients[2].post(body.anthropic(), stream)};
        }

        /** One round: each path once, rotating which goes first so that none always follows another. */
        void round(int index, byte[][] requests, long[][] total, long[][] firstByte, long[][] span) throws IOException {
            for (int k = 0; k < 3; k++) {
                int path = (index + k) % 3;
                RawHttpClient.Timing timing = clients[path].send(requests[path]);
                if (total != null) {
                    total[path][index] = timing.total();
                    firstByte[path][index] = timing.firstByte();
                    span[path][index] = timing.span();
                }
            }
        }

        @Override
        public void close() throws IOException {
            String[] names = {"direct", "floor", "gateway"};
            for (int path = 0; path < clients.length; path++) {
                if (clients[path].resent() > 0) {
                    System.err.println("bench: " + names[path] + ": " + clients[path].resent()
                            + " request(s) sent again after the server closed a kept-alive connection unanswered");
                }
            }
            for (RawHttpClient client : clients) {
                client.close();
            }
        }
    }

    private static void warmup(Path out, String direct, String floor, String gateway, int requests) throws IOException {
        Body body = body(false, true);
        long[][] total = new long[3][requests];
        try (Paths paths = Paths.of(direct, floor, gateway)) {
            byte[][] bytes = paths.requests(body);
            for (int i = 0; i < requests; i++) {
                paths.round(i, bytes, total, new long[3][requests], new long[3][requests]);
            }
        }
        StringBuilder table = new StringBuilder("| requests (fresh gateway, " + body.name() + " body, streaming) "
                + "| floor added p50 (ms) | gateway added p50 (ms) |\n|---|---|---|\n");
        int[][] windows = {{0, 100}, {100, 1_000}, {1_000, 10_000}, {10_000, requests}};
        for (int[] window : windows) {
            if (window[0] >= requests) {
                continue;
            }
            int to = Math.min(window[1], requests);
            String label = window[0] == 10_000 ? "after 10,000 (10,001–" + String.format(Locale.ROOT, "%,d", to) + ")"
                    : String.format(Locale.ROOT, "%,d–%,d", window[0] + 1, to);
            table.append("| ").append(label)
                    .append(" | ").append(ms(added(total, 1, window[0], to, 0.5)))
                    .append(" | ").append(ms(added(total, 2, window[0], to, 0.5))).append(" |\n");
        }
        Files.writeString(out.resolve("warmup.md"), table.toString());

        List<double[]> floorPoints = new ArrayList<>();
        List<double[]> gatewayPoints = new ArrayList<>();
        for (int from = 0, width = 10; from < requests; from += width, width = Math.max(10, (int) (from * 0.25))) {
            int to = Math.min(requests, from + width);
            double middle = (from + to) / 2.0 + 1;
            floorPoints.add(new double[] {middle, added(total, 1, from, to, 0.5) / 1e6});
            gatewayPoints.add(new double[] {middle, added(total, 2, from, to, 0.5) / 1e6});
        }
        Files.writeString(out.resolve("warmup.svg"), Svg.plot("Added p50 over direct against request number (fresh gateway)",
                "request number (log)", "added p50 (ms)", true,
                List.of(new Svg.Series("gateway", "#d62728", gatewayPoints), new Svg.Series("nginx floor", "#1f77b4", floorPoints))));
    }

    /**
     * With {@code -Dhopbench.rounds=DIR}: each round's start ({@link System#nanoTime}, the clock of the gateway's
     * {@code -Xlog} {@code timenanos} decoration) and each path's time, one CSV per body, to find what the slowest
     * requests of a row met.
     */
    private static void writeRounds(Body body, long[] started, long[][] total) throws IOException {
        String dir = System.getProperty("hopbench.rounds");
        if (dir == null) {
            return;
        }
        StringBuilder csv = new StringBuilder("start_ns,direct_ns,floor_ns,gateway_ns\n");
        for (int i = 0; i < started.length; i++) {
            csv.append(started[i]).append(',').append(total[0][i]).append(',').append(total[1][i]).append(',')
                    .append(total[2][i]).append('\n');
        }
        String name = (body.anthropic().length > 10_000 ? "claude-code-" : "small-") + (body.stream() ? "stream" : "json");
        Files.createDirectories(Path.of(dir));
        Files.writeString(Path.of(dir, name + ".csv"), csv);
    }

    private static void sequential(Path out, String direct, String floor, String gateway, int requests) throws IOException {
        StringBuilder table = new StringBuilder("""
                | body | mode | direct p50 / p90 / p99 | floor added p50 / p90 / p99 | **gateway added** p50 / p90 / p99 \
                | first byte added p50, floor / gateway | stream span added p50, floor / gateway |
                |---|---|---|---|---|---|---|
                """);
        long[][] distribution = null;
        // -Dhopbench.bodies=claude-code: only the 78 KB body (an A/B of its paths in less time)
        boolean[] sizes = "claude-code".equals(System.getProperty("hopbench.bodies")) ? new boolean[] {true}
                : new boolean[] {false, true};
        try (Paths paths = Paths.of(direct, floor, gateway)) {
            for (boolean big : sizes) {
                for (boolean stream : new boolean[] {false, true}) {
                    Body body = body(big, stream);
                    byte[][] bytes = paths.requests(body);
                    for (int i = 0; i < Math.max(500, requests / 5); i++) {
                        paths.round(i, bytes, null, null, null);
                    }
                    long[][] total = new long[3][requests];
                    long[][] firstByte = new long[3][requests];
                    long[][] span = new long[3][requests];
                    long[] started = new long[requests];
                    for (int i = 0; i < requests; i++) {
                        started[i] = System.nanoTime();
                        paths.round(i, bytes, total, firstByte, span);
                    }
                    writeRounds(body, started, total);
                    table.append("| ").append(body.name()).append(" | ").append(stream ? "stream" : "JSON")
                            .append(" | ").append(triple(total, 0, false))
                            .append(" | ").append(triple(total, 1, true))
                            .append(" | **").append(triple(total, 2, true)).append("**")
                            .append(" | ").append(ms(added(firstByte, 1, 0, requests, 0.5))).append(" / ")
                            .append(ms(added(firstByte, 2, 0, requests, 0.5)))
                            .append(" | ").append(stream ? ms(added(span, 1, 0, requests, 0.5)) + " / "
                                    + ms(added(span, 2, 0, requests, 0.5)) : "—").append(" |\n");
                    if (big && stream) {
                        distribution = total;
                    }
                }
            }
        }
        table.append("\nAll in ms; ").append(String.format(Locale.ROOT, "%,d", requests))
                .append(" measured rounds per row after ").append(Math.max(500, requests / 5)).append(" warm-up rounds.\n");
        Files.writeString(out.resolve("sequential.md"), table.toString());

        List<Svg.Series> series = new ArrayList<>();
        String[] colors = {"#2ca02c", "#1f77b4", "#d62728"};
        String[] names = {"direct", "nginx floor", "gateway"};
        for (int path = 0; path < 3; path++) {
            long[] sorted = distribution[path].clone();
            Arrays.sort(sorted);
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                double q = i / 200.0 * 0.99; // to p99: the tail beyond is load noise on a shared machine
                points.add(new double[] {sorted[(int) (q * sorted.length)] / 1e6, q * 100});
            }
            series.add(new Svg.Series(names[path], colors[path], points));
        }
        Files.writeString(out.resolve("latency.svg"), Svg.plot("Latency distribution, Claude Code body, streaming",
                "latency (ms)", "percentile", false, series));
    }

    /** The q-quantile of path's requests [from, to) minus direct's, in nanoseconds. */
    private static long added(long[][] nanos, int path, int from, int to, double q) {
        return quantile(nanos[path], from, to, q) - quantile(nanos[0], from, to, q);
    }

    private static long quantile(long[] nanos, int from, int to, double q) {
        long[] window = Arrays.copyOfRange(nanos, from, to);
        Arrays.sort(window);
        return window[Math.min(window.length - 1, (int) Math.floor(q * window.length))];
    }

    private static String triple(long[][] nanos, int path, boolean added) {
        int n = nanos[0].length;
        StringBuilder text = new StringBuilder();
        for (double q : new double[] {0.5, 0.9, 0.99}) {
            text.append(text.isEmpty() ? "" : " / ")
                    .append(ms(added ? added(nanos, path, 0, n, q) : quantile(nanos[path], 0, n, q)));
        }
        return text.toString();
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }

}
