package dev.ccrouter.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.SseFrames;
import dev.ccrouter.api.anthropic.StreamEvent;
import dev.ccrouter.relay.ClientChannel;
import dev.ccrouter.upstream.Cancellation;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SSE connection to one streaming client. Events are framed as they come and sent at each {@link #flush()}
 * (once per upstream chunk: nothing is held longer). While the upstream is quiet the stream is kept: after
 * {@code pingInterval} without an event it sends {@code event: ping} (Claude Code shows "waiting" after 20 s and drops
 * idle connections after a few minutes). A client that has gone must cancel the upstream call at once, or the
 * provider keeps generating and billing: where the edge watches the connection for that without writing
 * ({@link ClientDepartures#polled()}, the socket polled), pings are all the keeping; elsewhere, every
 * {@code livenessCheck} without any write the stream sends an SSE comment, which every client ignores, because a
 * write is then the only way to learn that the client has gone. A client that stays connected but reads nothing fills
 * its TCP window and blocks the write: every write to the socket is timed by the edge, so such a write fails once it
 * has made no progress for the write-stall bound (the connection is closed under it), and the client counts as gone.
 *
 * <p>No thread waits per stream for that: the gateway's one timer thread looks at the stream now and then (every
 * {@code livenessCheck} when comments are sent, a tenth of the ping interval otherwise) and, only when a ping or a
 * comment is due, starts a short-lived virtual thread for the write (which may block on a client that reads nothing;
 * the timer thread must not). A keeper thread parked per stream woke four times a second and froze its stack into a
 * new chunk each time, reachable from an old thread object: young collections then grew with the number of quiet
 * streams.
 */
final class ClientStream implements ClientChannel, AutoCloseable {
    private static final byte[] LIVENESS_COMMENT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final long pingNanos;
    /** How often the timer looks at the stream. */
    private final long lookNanos;
    /** Whether quiet spells get liveness comments: when nothing else notices the client leaving. */
    private final boolean livenessWrites;
    /**
     * Quiet this long, a look finds a liveness write due: half a {@code livenessCheck}, not a whole one, because a
     * keeping write lands a moment after the look that started it, and the next look, a {@code livenessCheck} later,
     * would find it not quite old enough; a quiet stream would then be written to (and a departed client noticed)
     * only every other look.
     */
    private final long quietEnough;
    /** The exchange's: cancelled here when a write fails, or by the edge when it notices the client leave. */
    private final Cancellation departure;
    private final ReentrantLock lock = new ReentrantLock();
    /** The events framed since the last send. */
    private final SseFrames.Writer pending;
    private final ScheduledExecutorService timers;
    /** A keeping write is under way (it may be blocked on a client that reads nothing): the next looks are skipped. */
    private final AtomicBoolean keeping = new AtomicBoolean();
    private volatile ScheduledFuture<?> looks;
    /** Written under the lock; the timer thread reads them without it, and a stale value only shifts one look. */
    private volatile long lastEventNanos = System.nanoTime();
    private volatile long lastWriteNanos = lastEventNanos;
    private volatile boolean closed;
    private volatile boolean clientGone;

    /**
     * @param out                the response's output, bounded by the write-stall deadline
     * @param departureWatched   whether the client's departure is noticed without writes (then no liveness comments)
     * @param timers             the gateway's timer thread, which looks at the stream
     * @param departure          cancelled when a write fails (the client left, or stopped reading); once cancelled
     *                           (by the edge too), the client counts as gone
     */
    ClientStream(ObjectMapper json, OutputStream out, Duration pingInterval, Duration livenessCheck,
                 boolean departureWatched, ScheduledExecutorService timers, Cancellation departure) {
        this.pending = new SseFrames.Writer(json.getFactory(), 1024);
        this.out = out;
        this.pingNanos = pingInterval.toNanos();
        this.livenessWrites = !departureWatched;
        long livenessNanos = livenessCheck.toNanos();
        this.lookNanos = livenessWrites ? livenessNanos : Math.max(livenessNanos, pingNanos / 10);
        this.quietEnough = livenessNanos / 2;
        this.timers = timers;
        this.departure = departure;
    }

    /** Starts keeping the connection; call after the first event. Once started, later calls do nothing. */
    void startKeeper() {
        if (looks != null) {
            return; // called before every upstream read: the usual case takes no lock
        }
        lock.lock();
        try {
            if (looks == null && !closed) {
                looks = timers.scheduleWithFixedDelay(this::look, lookNanos, lookNanos, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException e) {
            // the gateway is stopping (its timers end after the last stream): the stream's own events still go out
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void event(StreamEvent event) {
        lock.lock();
        try {
            pending.event(event);
        } finally {
            lock.unlock();
        }
    }

    /** Sends every event framed since the last flush. */
    @Override
    public void flush() {
        lock.lock();
        try {
            if (!pending.isEmpty()) {
                lastEventNanos = System.nanoTime();
                sendPending(true);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends an SSE comment line (ignored by SDKs) of {@code prefix} and JSON, the bill; sent with the next flush. */
    void comment(String prefix, SseFrames.JsonContent content) {
        lock.lock();
        try {
            pending.comment(prefix, content);
        } finally {
            lock.unlock();
        }
    }

    /** Whether a write failed or the edge noticed the client leave (then nothing more is written). */
    @Override
    public boolean clientGone() {
        return clientGone || departure.cancelled();
    }

    /** On the timer thread: starts a keeping write when one is due, never writes here. */
    private void look() {
        if (closed || clientGone()) {
            looks.cancel(false); // set before the first look: that comes a look's interval after startKeeper
            return;
        }
        long now = System.nanoTime();
        boolean due = now - lastEventNanos >= pingNanos || livenessWrites && now - lastWriteNanos >= quietEnough;
        if (due && keeping.compareAndSet(false, true)) {
            Thread.ofVirtual().name("ccrouter-stream-keeper").start(this::keep);
        }
    }

    private void keep() {
        try {
            if (!lock.tryLock()) {
                return; // the stream is writing right now: the connection is evidently being used
            }
            try {
                long now = System.nanoTime();
                if (now - lastEventNanos >= pingNanos) {
                    event(new StreamEvent.Ping());
                    flush();
                } else if (livenessWrites && now - lastWriteNanos >= quietEnough) {
                    if (!pending.isEmpty()) {
                        flush(); // events framed but not yet sent say as much as a comment would
                    } else {
                        pending.raw(LIVENESS_COMMENT);
                        sendPending(true);
                    }
                }
            } finally {
                lock.unlock();
            }
        } finally {
            keeping.set(false);
        }
    }

    /**
     * Writes what is pending straight from its buffer, flushed or (at the end, where the response's end follows) not;
     * under the lock. Dropped when the client is gone.
     */
    private void sendPending(boolean flush) {
        if (!clientGone() && !closed) {
            try {
                pending.sendTo(out);
                if (flush) {
                    out.flush();
                }
                lastWriteNanos = System.nanoTime();
            } catch (IOException | RuntimeException e) {
                // a closed client fails the write (an UncheckedIOException from a whole send): either way, gone
                markGone();
            }
        }
        pending.discard();
    }

    private void markGone() {
        if (!clientGone) {
            clientGone = true;
            departure.cancel();
        }
    }

    /**
     * Stops the keeping and ends the response, sending what is still unsent with its end: unflushed, so that a stream
     * that never had to wait for its upstream leaves in one write, head and end included. Once closed, later calls
     * do nothing.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (!pending.isEmpty()) {
                sendPending(false);
            }
            closed = true;
            if (looks != null) {
                looks.cancel(false);
            }
        } finally {
            lock.unlock();
        }
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            markGone();
        }
    }
}
