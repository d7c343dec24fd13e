package dev.ccrouter.bench;

import dev.ccrouter.billing.UsageAccountingBench;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The JMH benchmarks' operations timed in this thread's CPU time rather than wall time: on a machine shared with other
 * work (load averages far above the core count) JMH's wall-clock scores mostly measure the wait for a core, while the
 * CPU time an operation costs stays put. Each operation warms up for 3 s of CPU, then is measured over 3 s of CPU.
 * {@code java -cp … dev.ccrouter.bench.CpuTimeRun [request [bodyBytes] | stream]} ({@code request}: the request
 * path's operations only, at the three sizes or at the one given; {@code stream}: the stream's only).
 */
public final class CpuTimeRun {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static Object sink;

    private CpuTimeRun() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("stream")) {
            streamOperations();
            return;
        }
        int[] sizes = args.length > 1 ? new int[] {Integer.parseInt(args[1])} : new int[] {10_000, 80_000, 400_000};
        for (int size : sizes) {
            RequestTranslationBench request = new RequestTranslationBench();
            request.bodyBytes = size;
            request.setUp();
            String at = " (" + size / 1000 + " KB)";
            report("parse, readTree" + at, 1, request::parseReadTree);
            report("parse, strings verbatim" + at, 1, request::parse);
            report("translate" + at, 1, request::translate);
            report("estimate, readTree's tree" + at, 1, request::estimateReadTree);
            report("estimate, verbatim tree" + at, 1, request::estimate);
            report("serialize, escaped again" + at, 1, request::serializeEscapedAgain);
            report("serialize, strings copied" + at, 1, request::serialize);
            report("whole request path, readTree" + at, 1, request::wholeRequestPathReadTree);
            report("whole request path, verbatim" + at, 1, request::wholeRequestPath);
            report("whole request path, tools not seen before" + at, 1, request::wholeRequestPathNewTools);
        }
        if (args.length > 0 && args[0].equals("request")) {
            return;
        }
        streamOperations();
        UsageAccountingBench usage = new UsageAccountingBench();
        usage.setUp();
        report("usage accounting, writes reported", 1, usage::reportedWrites);
        report("usage accounting, writes inferred", 1, usage::inferredWrites);
    }

    private static void streamOperations() throws Exception {
        StreamTranslationBench stream = new StreamTranslationBench();
        stream.setUp();
        report("stream: one upstream chunk to SSE bytes", StreamTranslationBench.CHUNKS, stream::chunksToSseBytes);
        report("stream: one SSE event read, relayed", StreamTranslationBench.CHUNKS, stream::sseBodyToSseBytes);
    }

    private static void report(String name, int operationsPerCall, Callable<?> operation) throws Exception {
        run(operation, 3_000_000_000L);
        long[] measured = run(operation, 3_000_000_000L);
        double nanosPerOperation = (double) measured[0] / measured[1] / operationsPerCall;
        System.out.printf(Locale.ROOT, "%-45s %12.2f µs CPU/op %14.0f ops/s per core%n", name, nanosPerOperation / 1e3,
                1e9 / nanosPerOperation);
    }

    /** Calls the operation until it has used {@code cpuNanos} of this thread's CPU; returns {CPU nanos, calls}. */
    private static long[] run(Callable<?> operation, long cpuNanos) throws Exception {
        long start = THREADS.getCurrentThreadCpuTime();
        long calls = 0;
        long used;
        do {
            for (int i = 0; i < 10; i++) {
                sink = operation.call();
            }
            calls += 10;
            used = THREADS.getCurrentThreadCpuTime() - start;
        } while (used < cpuNanos);
        return new long[] {used, calls};
    }
}
