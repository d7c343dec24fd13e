package dev.ccrouter.upstream;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Times the upstream connections' reads from one thread, instead of a timeout on each read: on a virtual thread a
 * read with a socket timeout sets a timer and cancels it (a lock on the scheduler's timer queue each time), and the
 * wait on the upstream needed a second timeout per read. A read only notes when it began and when it ended; every
 * {@link #TICK} the {@code ccrouter-upstream-reads} thread looks over the reads under way: one silent for the patience
 * tells its call that it waits ({@link Cancellation#waiting}), one silent for the read timeout has its socket closed,
 * and the reader then fails with a {@link java.net.SocketTimeoutException} as a socket timeout made it do.
 *
 * <p>The request's write is timed too: a write the upstream has not taken within the patience (its socket buffers
 * full) tells the call that it waits, as a silent read does, and one that has made no progress for the read timeout
 * (an upstream that accepted the connection and stopped reading) has its socket closed as a silent read has, so a
 * stalled upload fails instead of holding the request forever. Progress is a slice of the body taken
 * ({@link #progress}), so a large body slowly taken is never closed for its length. A large body costs nothing before
 * it waits: told before every write over 64 KB, a Claude Code body's call armed a streaming request's early-start
 * timer (a wake-up of the timers' thread) for an upstream that takes the body at once (docs/benchmarks.md, "The
 * 78 KB body streamed").
 *
 * <p>The thread rests (parked, no wake-ups) once no read or write has been under way for {@link #REST_AFTER}; the next
 * to begin wakes it. Silences are thus measured to within a tick: a read times out after the read timeout and at most
 * one tick more.
 */
final class SilenceWatch implements AutoCloseable {
    /** How often the reads under way are looked at: the precision of the patience and of the read timeout. */
    static final Duration TICK = Duration.ofMillis(10);
    /** How long without a read or write under way before the thread parks until the next. */
    static final Duration REST_AFTER = Duration.ofSeconds(1);
    private static final long NOT_UNDER_WAY = Long.MIN_VALUE;

    private final long patienceNanos;
    /** The longest silence tolerated; 0: none. */
    private final long readTimeoutNanos;
    private final LongSupplier clock;
    /** Every open connection's reads (an idle pooled one's too: a read begins without registering anything). */
    private final Set<Reads> watched = ConcurrentHashMap.newKeySet();
    private volatile Thread ticker;
    /** The thread is parked until a read begins. */
    private volatile boolean resting;
    private volatile boolean closed;

    /** A watch without its thread: {@link #tick()} looks, when called. */
    SilenceWatch(Duration patience, Duration readTimeout, LongSupplier clock) {
        this.patienceNanos = patience.toNanos();
        this.readTimeoutNanos = readTimeout.toNanos();
        this.clock = clock;
    }

    /** A watch whose thread starts with the first connection watched. */
    static SilenceWatch running(Duration patience, Duration readTimeout) {
        SilenceWatch watch = new SilenceWatch(patience, readTimeout, System::nanoTime);
        watch.ticker = Thread.ofPlatform().daemon().name("ccrouter-upstream-reads").unstarted(watch::run);
        return watch;
    }

    /** Watches the reads of one connection from now until {@link Reads#stop}; {@code socket} is what a timeout closes. */
    Reads watch(Closeable socket) {
        Reads reads = new Reads(socket);
        watched.add(reads);
        Thread thread = ticker;
        if (thread != null && thread.getState() == Thread.State.NEW) {
            synchronized (this) {
                if (thread.getState() == Thread.State.NEW && !closed) {
                    thread.start();
                }
            }
        }
        return reads;
    }

    /**
     * One connection's reads, each bracketed by {@link #reading()} and {@link #read()}, and its requests' writes, each
     * bracketed by {@link #writing()} and {@link #written()}.
     */
    final class Reads {
        private final Closeable socket;
        private volatile long readingSince = NOT_UNDER_WAY;
        private volatile long writingSince = NOT_UNDER_WAY;
        /** The call the connection serves, told when a read or write of it waits long; null between calls. */
        private volatile Cancellation call;
        private volatile boolean timedOut;

        private Reads(Closeable socket) {
            this.socket = socket;
        }

        void serve(Cancellation call) {
            this.call = call;
        }

        /** A read from the socket begins. */
        void reading() {
            readingSince = clock.getAsLong();
            wakeIfResting();
        }

        /** The read began last returned or failed. */
        void read() {
            readingSince = NOT_UNDER_WAY;
        }

        /** A request's write to the socket begins. */
        void writing() {
            writingSince = clock.getAsLong();
            wakeIfResting();
        }

        /** The write under way took a slice of the body: its silence counts from now. */
        void progress() {
            writingSince = clock.getAsLong();
        }

        /** The write began last returned or failed. */
        void written() {
            writingSince = NOT_UNDER_WAY;
        }

        /** Whether the socket was closed because a read or a write was silent for the read timeout. */
        boolean timedOut() {
            return timedOut;
        }

        /** The connection closed: its reads are no longer watched. */
        void stop() {
            watched.remove(this);
        }

        /** Looks at the read and the write under way, if any; whether there was one. */
        private boolean look(long now) {
            long writeSince = writingSince;
            if (writeSince != NOT_UNDER_WAY) {
                closeIfSilentTooLong(now - writeSince);
            }
            long since = readingSince;
            if (since == NOT_UNDER_WAY) {
                return writeSince != NOT_UNDER_WAY;
            }
            closeIfSilentTooLong(now - since);
            return true;
        }

        /** Tells the call once the silence reached the patience; closes the socket once it reached the read timeout. */
        private void closeIfSilentTooLong(long silence) {
            tellIfWaiting(silence);
            if (readTimeoutNanos > 0 && silence >= readTimeoutNanos && !timedOut) {
                timedOut = true;
                try {
                    socket.close();
                } catch (IOException e) {
                    // closed anyway
                }
            }
        }

        private void tellIfWaiting(long silence) {
            Cancellation waiting = call;
            if (silence >= patienceNanos && waiting != null) {
                waiting.waiting();
            }
        }
    }

    /** One look over every read and write under way; whether there was any. */
    boolean tick() {
        long now = clock.getAsLong();
        boolean any = false;
        for (Reads reads : watched) {
            try {
                any |= reads.look(now);
            } catch (RuntimeException e) {
                // a call's waiting action failed: its own business, the other reads are still to be looked at
                any = true;
            }
        }
        return any;
    }

    /** A read or write began (its start set first, see {@link #rest()}): the thread looks from now, if it rested. */
    private void wakeIfResting() {
        if (resting) {
            LockSupport.unpark(ticker);
        }
    }

    /** Whether the thread is parked until a read or write begins. */
    boolean resting() {
        return resting;
    }

    private boolean anyUnderWay() {
        for (Reads reads : watched) {
            if (reads.readingSince != NOT_UNDER_WAY || reads.writingSince != NOT_UNDER_WAY) {
                return true;
            }
        }
        return false;
    }

    private void run() {
        long tick = TICK.toNanos();
        long busy = clock.getAsLong();
        while (!closed) {
            long now = clock.getAsLong();
            if (tick()) {
                busy = now;
            } else if (now - busy >= REST_AFTER.toNanos()) {
                rest();
                busy = clock.getAsLong();
                continue;
            }
            LockSupport.parkNanos(this, tick);
        }
    }

    /**
     * Parks until a read or write begins. {@code resting} is set before the last look, and a read or write sets its
     * start before it looks at {@code resting}: either the look sees it, or it sees the rest and wakes the thread.
     */
    private void rest() {
        resting = true;
        while (!closed && !anyUnderWay()) {
            LockSupport.park(this);
        }
        resting = false;
    }

    @Override
    public void close() {
        closed = true;
        Thread thread = ticker;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }
}
