package dev.ccrouter.bench;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.bench.SoakUpstream.Fault;
import dev.ccrouter.rehearsal.ClaudeCodeBodies;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench/abuse}: one gateway process on 127.0.0.1, and one abuse after another for a bounded time each —
 * slowloris heads, slow bodies, clients that never read, clients that leave mid-stream, a connection flood past the
 * caps, oversized and deeply nested bodies, a broken upstream. For each: the gateway's RSS, threads, descriptors and
 * live heap (after a full GC) before, at the middle and a few seconds after; {@code /health} latency during (one probe
 * every 100 ms, from an address no abuser uses); and how the abusers were answered. Writes a Markdown table.
 *
 * <pre>
 * Abuse OUT SECONDS JAVA JAR [gateway java options…]     SECONDS per abuse; JAVA and JAR start the gateway
 * </pre>
 */
public final class Abuse {
    private static final String MODEL = "claude-sonnet-5";
    /** The gateway's deadlines in this run (shorter than the defaults, so that each abuse meets them several times). */
    static final int HEAD_TIMEOUT_SECONDS = 5;
    static final int BODY_TIMEOUT_SECONDS = 5;
    static final int UPSTREAM_READ_TIMEOUT_SECONDS = 5;
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Duration HEALTH_EVERY = Duration.ofMillis(100);
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);
    /** /health is probed from here: the abusers use 127.0.0.1 and 127.0.0.11–15, each capped on its own. */
    private static final String PROBE_ADDRESS = "127.0.0.254";

    /** One abuse: what it does, and the code that does it for {@code length}, counting how each abuser was answered. */
    private record Kind(String name, Abuser abuser) {
    }

    @FunctionalInterface
    private interface Abuser {
        void run(Duration length, Outcomes outcomes) throws Exception;
    }

    private final InetSocketAddress gateway;
    private final long pid;
    private final String jcmd;
    private final SoakClient probe;

    private Abuse(int port, long pid, String jcmd) {
        this.gateway = new InetSocketAddress("127.0.0.1", port);
        this.probe = new SoakClient(port, PROBE_ADDRESS);
        this.pid = pid;
        this.jcmd = jcmd;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Duration length = Duration.ofSeconds(Long.parseLong(args[1]));
        String java = args[2];
        String jar = args[3];
        List<String> options = Arrays.asList(args).subList(4, args.length);
        Files.createDirectories(out);
        try (SoakUpstream upstream = SoakUpstream.start()) {
            int port = freePort();
            Path config = out.resolve("abuse.yaml");
            Files.writeString(config, """
                    server:
                      header_timeout_seconds: %d
                      body_timeout_seconds: %d
                    upstream:
                      base_url: %s
                      read_timeout_seconds: %d
                    pricing:
                      refresh_minutes: 0
                    """.formatted(HEAD_TIMEOUT_SECONDS, BODY_TIMEOUT_SECONDS, upstream.baseUrl(),
                    UPSTREAM_READ_TIMEOUT_SECONDS));
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(options);
            command.addAll(List.of("-jar", jar, "serve", "--port", String.valueOf(port), "--config", config.toString(),
                    "--data-dir", out.resolve("data").toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.resolve("gateway.log").toFile()).start();
            // bench/abuse's hard timeout ends this JVM with SIGTERM: the gateway must not outlive it
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy));
            try {
                Abuse abuse = new Abuse(port, process.pid(), Path.of(java).resolveSibling("jcmd").toString());
                abuse.awaitHealthy();
                String report = abuse.runAll(length);
                Files.writeString(out.resolve("abuse.md"), report);
                System.out.print(report);
            } finally {
                process.destroy();
                process.waitFor();
            }
        }
    }

    private String runAll(Duration length) throws Exception {
        List<Kind> kinds = List.of(
                new Kind("none (the idle baseline)", (d, o) -> waitFor(d)),
                new Kind("slowloris: 200 connections trickling a request head, 2 bytes a second",
                        (d, o) -> trickle(200, false, d, o)),
                new Kind("slow bodies: 100 connections sending a whole head, then an 80 KB body 2 bytes a second",
                        (d, o) -> trickle(100, true, d, o)),
                new Kind("clients leaving mid-stream: 16 at a time, each reads 600 bytes of a slow stream and leaves, "
                        + "half with FIN, half with RST", this::leaving),
                new Kind("connection flood: 750 keep-alive connections from 5 addresses (150 each), held", this::flood),
                new Kind("oversized and deep bodies, 4 at a time: 40 MiB, JSON nested 100,000 deep, a 5,000-digit "
                        + "number", this::oversized),
                new Kind("broken upstream, 16 requests at a time: resets, stalls past the read timeout, a broken "
                        + "chunk, a cut stream, 500s", this::brokenUpstream),
                new Kind("never-reading clients (4 KB receive buffer): 40 streams of 16 KB deltas as fast as the "
                        + "upstream can, 10 whole 8 MB answers", this::neverReading));
        String only = System.getProperty("abuse.only"); // -Dabuse.only=PREFIX runs the abuses so named, to look closer
        if (only != null) {
            kinds = kinds.stream().filter(kind -> kind.name().startsWith(only)).toList();
        }
        StringBuilder table = new StringBuilder();
        String load = loadAverage();
        table.append("| abuse | before | middle | after (").append(SETTLE.toSeconds()).append(" s) | gateway CPU during |"
                + " `/health` during | how the abusers were answered |\n|---|---|---|---|---|---|---|\n");
        for (Kind kind : kinds) {
            System.err.println("abuse: " + kind.name());
            table.append(measure(kind, length)).append('\n');
        }
        return "Run " + java.time.Instant.now().toString().substring(0, 16).replace('T', ' ') + " UTC: `bench/abuse --seconds "
                + length.toSeconds() + "`, each abuse for " + length.toSeconds() + " s against one gateway (launcher's "
                + "options, head and body deadlines " + HEAD_TIMEOUT_SECONDS + " s, upstream read timeout "
                + UPSTREAM_READ_TIMEOUT_SECONDS + " s); load average " + load + " at the start, " + loadAverage()
                + " at the end (2 cores, shared).\n\n" + table;
    }

    /** Runs one abuse and returns its table row. */
    private String measure(Kind kind, Duration length) throws Exception {
        Snapshot before = Snapshot.take(pid, jcmd);
        double cpuBefore = ProcessLook.of(pid).cpuSeconds();
        Outcomes outcomes = new Outcomes();
        LongAdder healthFailed = new LongAdder();
        ConcurrentLinkedQueue<Double> latencies = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2);
        clock.scheduleAtFixedRate(() -> Thread.ofVirtual().start(() -> {
            double millis = probe.healthMillis();
            if (millis < 0) {
                healthFailed.increment();
            } else {
                latencies.add(millis);
            }
        }), 0, HEALTH_EVERY.toNanos(), TimeUnit.NANOSECONDS);
        Snapshot.Peak peak = new Snapshot.Peak();
        clock.scheduleAtFixedRate(() -> peak.see(pid), 0, SAMPLE_EVERY.toNanos(), TimeUnit.NANOSECONDS);
        // no full GC in the middle: its pause would be counted against /health
        var middle = clock.schedule(() -> Snapshot.withoutGc(pid, jcmd), length.toNanos() / 2, TimeUnit.NANOSECONDS);
        kind.abuser().run(length, outcomes);
        double cpu = ProcessLook.of(pid).cpuSeconds() - cpuBefore;
        clock.shutdown();
        clock.awaitTermination(30, TimeUnit.SECONDS);
        List<Double> health = List.copyOf(latencies);
        Snapshot during = middle.get();
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        Snapshot after = later.schedule(() -> Snapshot.take(pid, jcmd), SETTLE.toNanos(), TimeUnit.NANOSECONDS).get();
        later.shutdown();
        return "| " + kind.name() + " | " + before + " | " + during + "; peak " + peak + " | " + after + " | "
                + String.format(Locale.ROOT, "%.1f s", cpu) + " | " + healthSummary(health, healthFailed.sum()) + " | "
                + outcomes + " |";
    }

    // ---- the abusers ----

    /**
     * Slowloris ({@code body} false: the head trickled) or slow body ({@code body} true: the head at once, the body
     * trickled), {@code count} connections at all times: one whose connection the gateway answers or closes is
     * replaced by a new one until the end. A ticker writes the next byte to every connection every 500 ms.
     */
    private void trickle(int count, boolean body, Duration length, Outcomes outcomes) throws Exception {
        Trickle trickle = new Trickle(body, outcomes);
        for (int i = 0; i < count; i++) {
            trickle.open();
        }
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        ticker.scheduleAtFixedRate(trickle::tick, 500, 500, TimeUnit.MILLISECONDS);
        ticker.schedule(trickle::stop, length.toNanos(), TimeUnit.NANOSECONDS).get();
        ticker.shutdownNow();
    }

    /** The trickling connections of a slowloris or slow-body abuse; each one answered is replaced until the end. */
    private final class Trickle {
        private final byte[] head = ("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "x-api-key: sk-abuse\r\nContent-Length: 80000\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        private final boolean body;
        private final Outcomes outcomes;
        private final AtomicBoolean running = new AtomicBoolean(true);
        /** Each open connection and how many bytes it has trickled. */
        private final Map<Socket, int[]> open = new ConcurrentHashMap<>();

        Trickle(boolean body, Outcomes outcomes) {
            this.body = body;
            this.outcomes = outcomes;
        }

        void open() {
            Socket socket = connectQuietly("127.0.0.1", outcomes);
            if (socket == null) {
                return;
            }
            open.put(socket, new int[] {0});
            if (body) {
                writeQuietly(socket, head, 0, head.length);
            }
            Thread.ofVirtual().start(() -> {
                String outcome = answerOf(socket);
                open.remove(socket);
                close(socket);
                if (running.get()) {
                    outcomes.count(outcome);
                    open();
                }
            });
        }

        /** One more byte on every connection: of the head (never its last line), or a space of the body. */
        void tick() {
            open.forEach((socket, sent) -> {
                byte next = body ? (byte) ' ' : head[Math.min(sent[0]++, head.length - 5)];
                writeQuietly(socket, new byte[] {next}, 0, 1);
            });
        }

        void stop() {
            running.set(false);
            open.keySet().forEach(socket -> {
                outcomes.count("still trickling at the end (closed by the client)");
                close(socket);
            });
        }
    }

    /** Clients that send a request and read nothing, with a 4 KB receive buffer; at the end, was each cut off? */
    private void neverReading(Duration length, Outcomes outcomes) throws Exception {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            boolean stream = i % 5 != 0; // 40 streams, 10 whole answers
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(gateway, 5_000);
            byte[] request = SoakClient.post(body(stream ? Fault.FLOOD : Fault.BIG, stream), stream);
            socket.getOutputStream().write(request);
            sockets.add(socket);
        }
        waitFor(length);
        for (int i = 0; i < sockets.size(); i++) {
            Socket socket = sockets.get(i);
            String kind = i % 5 != 0 ? "stream: " : "whole: ";
            outcomes.count(kind + drainedToTheEnd(socket));
            close(socket);
        }
    }

    /** Streams dropped after their first 600 bytes, 16 at a time, until the end. */
    private void leaving(Duration length, Outcomes outcomes) throws Exception {
        SoakClient client = new SoakClient(gateway.getPort());
        byte[] request = SoakClient.post(body(Fault.SLOW, true), true);
        inTurns(16, length, turn -> {
            boolean reset = turn % 2 == 1;
            outcomes.count((reset ? "RST: " : "FIN: ") + client.disconnect(request, reset));
        });
    }

    /**
     * 150 connections from each of five addresses, each sending {@code GET /terms} (not {@code /health}, which a
     * refused connection is served too) and, when answered 200, held open until the end; one refused (429 per
     * address, 503 in all) is counted and not retried.
     */
    private void flood(Duration length, Outcomes outcomes) throws Exception {
        Queue held = new Queue();
        List<Thread> openers = new ArrayList<>();
        for (int a = 11; a <= 15; a++) {
            String from = "127.0.0." + a;
            for (int i = 0; i < 150; i++) {
                openers.add(Thread.ofVirtual().start(() -> {
                    Socket socket = connectQuietly(from, outcomes);
                    if (socket == null) {
                        return;
                    }
                    writeQuietly(socket, ("GET /terms HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII), 0, -1);
                    String outcome = headOf(socket);
                    if (outcome.startsWith("200")) {
                        outcomes.count("200, held open");
                        held.add(socket);
                    } else {
                        outcomes.count(outcome);
                        close(socket);
                    }
                }));
            }
        }
        for (Thread opener : openers) {
            opener.join(Duration.ofSeconds(30));
        }
        waitFor(length);
        held.closeAll();
    }

    /** Bodies the gateway must refuse: too large, nested too deep, a number too long; 4 senders until the end. */
    private void oversized(Duration length, Outcomes outcomes) throws Exception {
        byte[] huge = new byte[40 * 1024 * 1024];
        Arrays.fill(huge, (byte) ' ');
        huge[0] = '{';
        huge[huge.length - 1] = '}';
        byte[] deep = ("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
        byte[] number = ("{\"model\":\"" + MODEL + "\",\"max_tokens\":" + "9".repeat(5_000) + ",\"messages\":[]}")
                .getBytes(StandardCharsets.US_ASCII);
        List<byte[]> bodies = List.of(huge, deep, number);
        List<String> names = List.of("40 MiB", "nested 100,000 deep", "5,000-digit number");
        inTurns(4, length, turn -> {
            int which = turn % bodies.size();
            outcomes.count(names.get(which) + ": " + refusalOf(bodies.get(which)));
        });
    }

    /** Requests whose upstream fails: resets, stalls past the read timeout, broken and cut streams, 500s. */
    private void brokenUpstream(Duration length, Outcomes outcomes) throws Exception {
        SoakClient client = new SoakClient(gateway.getPort());
        List<Fault> faults = List.of(Fault.RESET, Fault.STALL, Fault.GARBAGE, Fault.TRUNCATE, Fault.ERROR500);
        Map<Fault, byte[]> requests = new TreeMap<>();
        for (Fault fault : faults) {
            boolean stream = fault != Fault.RESET && fault != Fault.ERROR500;
            requests.put(fault, SoakClient.post(body(fault, stream), stream));
        }
        inTurns(16, length, turn -> {
            Fault fault = faults.get(turn % faults.size());
            boolean stream = fault != Fault.RESET && fault != Fault.ERROR500;
            outcomes.count(fault.marker() + ": " + client.exchange(requests.get(fault), stream));
        });
    }

    /**
     * {@code workers} virtual threads, each running one turn after another until {@code length} is over; worker
     * {@code w} numbers its turns w, w+1, w+2…, so that turns cycle through whatever a turn number chooses.
     */
    private static void inTurns(int workers, Duration length, IntConsumer turn) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int first = w;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = first; running.get(); i++) {
                    turn.accept(i);
                }
            }));
        }
        waitFor(length);
        running.set(false);
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(60));
        }
    }

    // ---- pieces ----

    /** The status line's code and, for errors, the envelope's type: "413 request_too_large". */
    private String refusalOf(byte[] body) {
        try (Socket socket = new Socket()) {
            socket.connect(gateway, 5_000);
            socket.setSoTimeout(30_000);
            byte[] head = ("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "x-api-key: sk-abuse\r\nConnection: close\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            socket.getOutputStream().write(head);
            try {
                socket.getOutputStream().write(body);
            } catch (IOException e) {
                // the gateway answered and closed before taking the whole body; its answer is still to be read
            }
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return summary(answer);
        } catch (IOException e) {
            return "connection failed: " + e.getClass().getSimpleName();
        }
    }

    /** Reads a connection's answer head (or its end) and names it: "408 invalid_request_error", "closed". */
    private static String answerOf(Socket socket) {
        try {
            socket.setSoTimeout(120_000);
            byte[] some = socket.getInputStream().readNBytes(400);
            return some.length == 0 ? "closed without an answer" : summary(new String(some, StandardCharsets.UTF_8));
        } catch (SocketTimeoutException e) {
            return "no answer within 120 s";
        } catch (IOException e) {
            return "reset by the gateway";
        }
    }

    /** A whole answer head of a keep-alive exchange, up to its empty line (the body, if any, is left unread). */
    private static String headOf(Socket socket) {
        try {
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                head.append((char) b);
                if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                    break;
                }
            }
            if (head.isEmpty()) {
                return "closed without an answer";
            }
            String status = head.substring(9, Math.min(12, head.length()));
            if (!status.equals("200")) {
                byte[] rest = in.readNBytes(300);
                return summary(head + new String(rest, StandardCharsets.UTF_8));
            }
            return status;
        } catch (IOException e) {
            return "reset by the gateway";
        }
    }

    /** "429 rate_limit_error": the status and the error envelope's type, when there is one. */
    private static String summary(String answer) {
        if (!answer.startsWith("HTTP/1.1 ")) {
            return answer.isEmpty() ? "closed without an answer" : "not HTTP";
        }
        String status = answer.substring(9, 12);
        int at = answer.indexOf("\"error\":{\"type\":\"");
        if (at < 0) {
            return status;
        }
        int from = at + "\"error\":{\"type\":\"".length();
        return status + " " + answer.substring(from, answer.indexOf('"', from));
    }

    /** After the client read nothing for the whole abuse: reads what is left; the end of stream means cut off. */
    private static String drainedToTheEnd(Socket socket) {
        try {
            socket.setSoTimeout(2_000);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            while (in.read(buffer) >= 0) {
                // what the kernel's buffers held when the gateway closed the connection
            }
            return "cut off by the gateway";
        } catch (SocketTimeoutException e) {
            return "still open at the end";
        } catch (IOException e) {
            return "cut off by the gateway";
        }
    }

    private Socket connectQuietly(String from, Outcomes outcomes) {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(gateway, 5_000);
            return socket;
        } catch (IOException e) {
            outcomes.count("connect failed: " + e.getClass().getSimpleName());
            close(socket);
            return null;
        }
    }

    private static void writeQuietly(Socket socket, byte[] bytes, int offset, int length) {
        try {
            socket.getOutputStream().write(bytes, offset, length < 0 ? bytes.length : length);
        } catch (IOException e) {
            // closed by the gateway: its reader thread names the outcome
        }
    }

    private static void close(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // gone already
        }
    }

    /** Waits out {@code length} on a scheduled clock (a bench driver, not a test: no busy loop, no sleep). */
    private static void waitFor(Duration length) throws Exception {
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        try {
            clock.schedule(() -> { }, length.toNanos(), TimeUnit.NANOSECONDS).get();
        } finally {
            clock.shutdown();
        }
    }

    private static byte[] body(Fault fault, boolean stream) {
        ObjectNode body = ClaudeCodeBodies.small(MODEL, stream);
        ObjectNode first = (ObjectNode) body.get("messages").get(0);
        first.put("content", first.get("content").asText() + " " + fault.marker());
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private void awaitHealthy() {
        await("the gateway's /health").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> probe.healthMillis() >= 0);
    }

    private static String healthSummary(List<Double> millis, long failed) {
        if (millis.isEmpty()) {
            return "none answered, " + failed + " failed";
        }
        List<Double> sorted = millis.stream().sorted().toList();
        return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d probes%s)",
                sorted.get(sorted.size() / 2), sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))),
                sorted.getLast(), sorted.size() + failed, failed > 0 ? ", " + failed + " failed" : "");
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Held connections, closed together at the end. */
    private static final class Queue {
        private final ConcurrentLinkedQueue<Socket> sockets = new ConcurrentLinkedQueue<>();

        void add(Socket socket) {
            sockets.add(socket);
        }

        void closeAll() {
            sockets.forEach(Abuse::close);
        }
    }

    /** How the abusers were answered, counted by name. */
    static final class Outcomes {
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

        void count(String outcome) {
            counts.computeIfAbsent(outcome, k -> new LongAdder()).increment();
        }

        @Override
        public String toString() {
            StringBuilder text = new StringBuilder();
            new TreeMap<>(counts).forEach((outcome, count) -> text.append(text.isEmpty() ? "" : "; ")
                    .append(outcome).append(" ×").append(count.sum()));
            return text.isEmpty() ? "—" : text.toString();
        }
    }

    /**
     * The gateway process at one moment: from /proc, and its heap — live (after a full GC), or simply in use when
     * {@code live} is false.
     */
    record Snapshot(long rssKb, long threads, long descriptors, long heapBytes, boolean live) {
        private static final Pattern GENERATION_USED = Pattern.compile("total \\d+K, used (\\d+)K");

        /** With the live heap: {@code jcmd PID GC.class_histogram} runs a full GC; its last line totals the bytes. */
        static Snapshot take(long pid, String jcmd) {
            ProcessLook proc = ProcessLook.of(pid);
            long live = jcmd(jcmd, pid, "GC.class_histogram").stream().filter(line -> line.startsWith("Total"))
                    .findFirst().map(line -> Long.parseLong(line.trim().split("\\s+")[2])).orElse(-1L);
            return new Snapshot(proc.rssKb(), proc.threads(), proc.descriptors(), live, true);
        }

        /** With the heap in use, garbage included ({@code GC.heap_info}: the generations' "used"), and no pause. */
        static Snapshot withoutGc(long pid, String jcmd) {
            ProcessLook proc = ProcessLook.of(pid);
            long used = 0;
            for (String line : jcmd(jcmd, pid, "GC.heap_info")) {
                Matcher matcher = GENERATION_USED.matcher(line);
                if (matcher.find()) {
                    used += Long.parseLong(matcher.group(1)) * 1024;
                }
            }
            return new Snapshot(proc.rssKb(), proc.threads(), proc.descriptors(), used, false);
        }

        private static List<String> jcmd(String jcmd, long pid, String command) {
            try {
                Process process = new ProcessBuilder(jcmd, String.valueOf(pid), command).redirectErrorStream(true)
                        .start();
                List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        .lines().toList();
                process.waitFor();
                return lines;
            } catch (IOException e) {
                return List.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d MB RSS, %d threads, %d fds, %.1f MB heap %s", rssKb / 1024,
                    threads, descriptors, heapBytes / 1e6, live ? "live" : "in use");
        }

        /** The highest RSS, threads and descriptors seen during an abuse (sampled every second). */
        static final class Peak {
            private long rssKb;
            private long threads;
            private long descriptors;

            synchronized void see(long pid) {
                ProcessLook proc = ProcessLook.of(pid);
                rssKb = Math.max(rssKb, proc.rssKb());
                threads = Math.max(threads, proc.threads());
                descriptors = Math.max(descriptors, proc.descriptors());
            }

            @Override
            public synchronized String toString() {
                return String.format(Locale.ROOT, "%d MB, %d threads, %d fds", rssKb / 1024, threads, descriptors);
            }
        }
    }
}
