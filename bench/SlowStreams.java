import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Many concurrent slow streams through the gateway, run by bench/slow-streams (a single-file program: {@code java
 * bench/SlowStreams.java …}; no dependencies, so it runs in a JVM of its own and the gateway's memory is its alone).
 *
 * <pre>
 *   upstream PORTFILE CHUNK_SECONDS STREAM_SECONDS
 *       a fake OpenAI-compatible upstream on 127.0.0.1 that answers every streaming chat completion with one small
 *       delta every CHUNK_SECONDS for STREAM_SECONDS, then usage and [DONE]; writes its port to PORTFILE
 *   clients GATEWAY_PORT GATEWAY_PID STREAMS RAMP_SECONDS HOLD_SECONDS
 *       opens STREAMS streaming /v1/messages requests (spread over RAMP_SECONDS), keeps them for HOLD_SECONDS, and
 *       meanwhile every 200 ms times a GET /health on a fresh connection and reads the gateway's RSS
 * </pre>
 */
public final class SlowStreams {
    private static final String BODY = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Write slowly.\"}]}";

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "upstream" -> upstream(Path.of(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "clients" -> clients(Integer.parseInt(args[1]), Long.parseLong(args[2]), Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("upstream | clients");
        }
    }

    /**
     * Each stream's deltas are written by a shared clock at a fixed rate; the exchange's own thread only waits for the
     * stream's length to pass (or for the gateway to leave, seen as a failed write) and then ends the stream.
     */
    static void upstream(Path portFile, int chunkSeconds, int streamSeconds) throws IOException {
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().factory());
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16384);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().set("content-type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                write(out, "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}");
                CountDownLatch gatewayGone = new CountDownLatch(1);
                ScheduledFuture<?> words = clock.scheduleAtFixedRate(() -> { // the point: a slow upstream
                    try {
                        write(out, "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"word \"}}]}");
                    } catch (IOException e) {
                        gatewayGone.countDown();
                    }
                }, chunkSeconds, chunkSeconds, TimeUnit.SECONDS);
                boolean gone;
                try {
                    gone = gatewayGone.await(streamSeconds, TimeUnit.SECONDS);
                } finally {
                    words.cancel(false);
                }
                if (!gone) {
                    write(out, "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
                    write(out, "{\"id\":\"gen-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":30}}");
                    write(out, "[DONE]");
                }
            } catch (IOException | InterruptedException e) {
                // the gateway went away: nothing to answer
            }
        });
        server.start();
        Files.writeString(portFile, String.valueOf(server.getAddress().getPort()));
    }

    /** One SSE event; the clock's writes and the exchange's last ones never interleave. */
    private static void write(OutputStream out, String data) throws IOException {
        synchronized (out) {
            out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    /**
     * Everything paced by one scheduled clock: the streams are opened one per tick over the ramp, the gateway is
     * sampled every 200 ms, and the run ends when the ramp and hold have passed.
     */
    static void clients(int port, long pid, int streams, int rampSeconds, int holdSeconds) throws Exception {
        ScheduledExecutorService clock = Executors.newScheduledThreadPool(2, Thread.ofPlatform().daemon().factory());
        Sampler sampler = new Sampler(port, pid, streams);
        Semaphore connecting = new Semaphore(256); // the kernel's accept backlog is finite: connect at a bounded rate
        AtomicInteger launched = new AtomicInteger();
        ScheduledFuture<?> ramp = clock.scheduleAtFixedRate(() -> {
            if (launched.getAndIncrement() < streams) {
                Thread.startVirtualThread(() -> {
                    connecting.acquireUninterruptibly();
                    stream(port, sampler.open, sampler.failed, sampler.completed, sampler.bytes, connecting);
                });
            }
        }, 0, Math.max(1, Duration.ofSeconds(rampSeconds).toNanos() / streams), TimeUnit.NANOSECONDS);
        System.out.println("   s  open streams  failed  done  /health ms  gateway RSS MB  threads");
        ScheduledFuture<?> sampling = clock.scheduleAtFixedRate(sampler::sample, 0, 200, TimeUnit.MILLISECONDS);
        CountDownLatch over = new CountDownLatch(1);
        clock.schedule(over::countDown, rampSeconds + holdSeconds, TimeUnit.SECONDS);
        over.await();
        ramp.cancel(false);
        sampling.cancel(false);
        sampler.report();
        System.exit(0);
    }

    /** What the clients see of the gateway every 200 ms: /health's latency, its RSS and threads, its CPU time. */
    private static final class Sampler {
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger completed = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        private final int port;
        private final long pid;
        private final int streams;
        private final long started = System.nanoTime();
        private final List<Long> health = new ArrayList<>();
        private long peakRss;
        private int tick;
        private int healthFailures;
        private long heldSince; // when all streams were first open, and the gateway's CPU time then
        private long cpuAtHold;

        Sampler(int port, long pid, int streams) {
            this.port = port;
            this.pid = pid;
            this.streams = streams;
        }

        synchronized void sample() {
            try {
                long healthMicros = health(port);
                if (healthMicros < 0) {
                    healthFailures++;
                }
                long rss = status(pid, "VmRSS:");
                peakRss = Math.max(peakRss, rss);
                boolean allOpen = open.get() >= streams * 0.99;
                if (healthMicros >= 0 && allOpen) {
                    health.add(healthMicros);
                }
                if (heldSince == 0 && allOpen) {
                    heldSince = System.nanoTime();
                    cpuAtHold = cpuMillis(pid);
                }
                if (tick++ % 25 == 0) {
                    System.out.printf("%4d  %12d  %6d  %4d  %10.1f  %14d  %7d%n",
                            (System.nanoTime() - started) / 1_000_000_000L, open.get(), failed.get(), completed.get(),
                            healthMicros / 1000.0, rss / 1024, status(pid, "Threads:"));
                }
            } catch (IOException e) {
                healthFailures++; // the gateway's /proc entry is gone: it died
            }
        }

        synchronized void report() throws IOException {
            List<Long> sorted = new ArrayList<>(health);
            Collections.sort(sorted);
            System.out.printf("streams open at the end %d of %d (failed %d, finished %d); gateway RSS peak %d MB; "
                            + "/health with all streams open: %d probes, p50 %.1f ms, p99 %.1f ms, max %.1f ms; "
                            + "%d probes failed%n",
                    open.get(), streams, failed.get(), completed.get(), peakRss / 1024, sorted.size(),
                    percentile(sorted, 0.50), percentile(sorted, 0.99), percentile(sorted, 1.0), healthFailures);
            if (heldSince != 0) { // CPU time, unlike the wall times above, hardly depends on what else the machine runs
                System.out.printf("gateway CPU while all streams were open: %d ms per second%n",
                        (cpuMillis(pid) - cpuAtHold) * 1_000_000_000L / Math.max(1, System.nanoTime() - heldSince));
            }
        }
    }

    private static void stream(int port, AtomicInteger open, AtomicInteger failed, AtomicInteger completed,
                               AtomicLong bytes, Semaphore connecting) {
        boolean counted = false;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream().write(("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "content-type: application/json\r\naccept: text/event-stream\r\nx-api-key: sk-bench\r\n"
                    + "anthropic-version: 2023-06-01\r\ncontent-length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int n = in.read(buffer);
            connecting.release();
            if (n <= 0 || !new String(buffer, 0, Math.min(n, 12), StandardCharsets.US_ASCII).equals("HTTP/1.1 200")) {
                failed.incrementAndGet();
                return;
            }
            open.incrementAndGet();
            counted = true;
            bytes.addAndGet(n);
            while ((n = in.read(buffer)) > 0) {
                bytes.addAndGet(n);
                if (new String(buffer, 0, n, StandardCharsets.UTF_8).contains("message_stop")) {
                    completed.incrementAndGet();
                    break;
                }
            }
        } catch (IOException e) {
            if (!counted) {
                connecting.release();
            }
            failed.incrementAndGet();
        } finally {
            if (counted) {
                open.decrementAndGet();
            }
        }
    }

    /**
     * Microseconds from connecting to the last byte of a {@code /health} response (by its content-length, as a client
     * reads it: waiting for the server to close the connection would time the close as well), on a fresh connection.
     */
    private static long health(int port) {
        long t0 = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return -1;
                }
                head.append((char) b);
            }
            String lower = head.toString().toLowerCase(java.util.Locale.ROOT);
            int at = lower.indexOf("content-length:");
            int length = at < 0 ? 0 : Integer.parseInt(lower.substring(at + 15, lower.indexOf('\r', at)).trim());
            if (!head.toString().startsWith("HTTP/1.1 200") || in.readNBytes(length).length != length) {
                return -1;
            }
        } catch (IOException e) {
            return -1;
        }
        return (System.nanoTime() - t0) / 1000;
    }

    /** User and system CPU time of a process, from /proc/PID/stat (in clock ticks of 10 ms). */
    private static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10;
    }

    /** A number from /proc/PID/status (kB for memory). */
    private static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1)) / 1000.0;
    }
}
