package dev.ccrouter.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.PrintStream;
import java.time.ZoneId;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Log lines on stderr, written in batches by one thread every few milliseconds: a request only queues its event.
 *
 * <p>Logback's {@code AsyncAppender} wakes its writer for every event and the console appender makes one
 * {@code write} per line; at thousands of requests a second that was a quarter of the gateway's CPU per request
 * (a futex wake and a system call each, measured in docs/benchmarks.md). Here nothing signals: the writer looks at
 * the queue on a fixed tick, formats what it finds and hands it to stderr in one write. A line therefore appears at
 * most one tick late. A full queue drops lines rather than stall a request, and says how many it dropped.
 */
final class BatchingStderrAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
    static final long TICK_MILLIS = 20;

    private final ConcurrentLinkedQueue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    private final int capacity;
    private LogLines lines;
    private ScheduledExecutorService writer;

    BatchingStderrAppender(int capacity) {
        this.capacity = capacity;
    }

    /** The lines' format: {@link LogLines#PATTERN} by hand, and this encoder for the events it leaves to Logback. */
    void setEncoder(LayoutWrappingEncoder<ILoggingEvent> encoder) {
        this.lines = new LogLines(encoder, encoder.getCharset(), ZoneId.systemDefault());
    }

    @Override
    public void start() {
        writer = Executors.newSingleThreadScheduledExecutor(task -> Thread.ofPlatform().daemon()
                .name("ccrouter-log-writer").unstarted(task));
        writer.scheduleWithFixedDelay(this::drain, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        // A command that logs a line and exits at once (a failed start) must not lose it to the tick.
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(this::drain));
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        event.prepareForDeferredProcessing(); // the message and thread name, fixed now rather than when written
        queue.offer(event);
    }

    /** Writes every queued line, in order, in one write; stop() calls it once more so nothing queued is lost. */
    private synchronized void drain() {
        ILoggingEvent event = queue.poll();
        if (event == null) {
            return;
        }
        for (; event != null; event = queue.poll()) {
            queued.decrementAndGet();
            lines.add(event);
        }
        int lost = dropped.getAndSet(0);
        if (lost > 0) {
            lines.add(("(" + lost + " log lines dropped: the log could not keep up)\n").getBytes());
        }
        PrintStream stderr = System.err;
        stderr.write(lines.bytes(), 0, lines.length());
        stderr.flush();
        lines.clear();
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        writer.shutdown();
        try {
            writer.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drain();
    }
}
