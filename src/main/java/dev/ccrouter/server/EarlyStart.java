package dev.ccrouter.server;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Starts a streaming client's answer before the upstream has sent one, when the upstream is slow to (a queue, a cold
 * start, a local model loading): once the upstream has been silent for the configured time, the client gets its 200,
 * {@code message_start} and a ping, and pings from then on. Otherwise it would see nothing at all — Claude Code shows
 * "waiting" and its idle watchdogs run — however long the wait.
 *
 * <p>The price is that the answer can no longer be an HTTP error: what goes wrong afterwards (an error status, every
 * fallback exhausted, an unreadable answer) reaches the client as {@code event: error} with the type the HTTP error
 * would have had, which Claude Code retries like a failed stream. Fallbacks still work: nothing but the start and
 * pings has reached the client.
 *
 * <p>The timer and the upstream's answer race; one lock settles it. Either the timer started the stream before the
 * request's thread took the answer, and that thread goes on with the started stream, or it had not and never will.
 */
final class EarlyStart implements AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    private final Supplier<ClientStream> starter;
    private ScheduledFuture<?> timer;
    private boolean settled;
    private ClientStream started;

    private EarlyStart(Supplier<ClientStream> starter) {
        this.starter = starter;
    }

    /** For a request that does not start early: {@link #settle()} always answers null. */
    static EarlyStart never() {
        EarlyStart never = new EarlyStart(() -> null);
        never.settled = true;
        return never;
    }

    /**
     * Runs {@code starter} {@code after} from now unless {@link #settle()} came first. The starter sends the stream's
     * head and first events; it runs on a virtual thread of its own, so a client slow to take them holds no timer.
     *
     * <p>The timer is set only once the upstream keeps the request waiting: {@code whenWaiting} is given the action
     * that sets it ({@code Cancellation.whenWaiting}), which runs while the request waits (on its own thread, or on
     * the thread that times the upstream's reads: the lock orders it with {@link #settle()}), with the deadline
     * unchanged. An upstream that answers first never costs a timer (one scheduled and cancelled per
     * stream was a lock each, and often a wake-up of the timers' thread).
     */
    static EarlyStart arm(ScheduledExecutorService timers, Duration after, Consumer<Runnable> whenWaiting,
                          Supplier<ClientStream> starter) {
        EarlyStart early = new EarlyStart(starter);
        long deadline = System.nanoTime() + after.toNanos();
        whenWaiting.accept(() -> {
            early.lock.lock();
            try {
                if (!early.settled) {
                    early.schedule(timers, Math.max(0, deadline - System.nanoTime()));
                }
            } finally {
                early.lock.unlock();
            }
        });
        return early;
    }

    private void schedule(ScheduledExecutorService timers, long delayNanos) {
        timer = timers.schedule(() -> Thread.ofVirtual().name("ccrouter-early-start").start(this::start),
                delayNanos, TimeUnit.NANOSECONDS);
    }

    private void start() {
        lock.lock();
        try {
            if (!settled) {
                settled = true;
                started = starter.get();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The upstream has answered or failed, and the request's thread takes over: from now on nothing starts early. Waits
     * for a start under way to finish.
     *
     * @return the stream started early, or null when there is none
     */
    ClientStream settle() {
        lock.lock();
        try {
            if (!settled) {
                settled = true;
                if (timer != null) { // none when the upstream answered before the request waited
                    timer.cancel(false);
                }
            }
            return started;
        } finally {
            lock.unlock();
        }
    }

    /** Settles, and ends a stream started early that nothing else ended (the handler failed unexpectedly). */
    @Override
    public void close() {
        ClientStream stream = settle();
        if (stream != null) {
            stream.close();
        }
    }
}
