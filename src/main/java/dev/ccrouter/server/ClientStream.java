package dev.ccrouter.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.SseFrames;
import dev.ccrouter.api.anthropic.StreamEvent;
import dev.ccrouter.relay.ClientChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SSE connection to one streaming client. Events are framed as they come and sent at each {@link #flush()}
 * (once per upstream chunk: nothing is held longer). A keeper thread watches the connection while the upstream is
 * quiet: after {@code pingInterval} without an event it sends {@code event: ping} (Claude Code shows "waiting" after
 * 20 s and drops idle connections after a few minutes); every {@code livenessCheck} without any write it sends an SSE
 * comment, which every client ignores, because a write is the only way to learn that the client has gone — and a
 * client that has gone must cancel the upstream call at once, or the provider keeps generating and billing. A client
 * that stays connected but reads nothing fills its TCP window and blocks the write: once a write has made no progress
 * for the write-stall bound, the keeper treats the client as gone and closes its connection, releasing the write.
 */
final class ClientStream implements ClientChannel, AutoCloseable {
    private static final byte[] LIVENESS_COMMENT = ":\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final long NOT_WRITING = Long.MIN_VALUE;

    private final ObjectMapper json;
    private final OutputStream out;
    private final long pingNanos;
    private final long livenessNanos;
    private final Runnable onClientGone;
    private final long stallNanos;
    private final Runnable disconnect;
    /** When the write under way started; {@link #NOT_WRITING} between writes. */
    private volatile long writingSince = NOT_WRITING;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(1024);
    private final Thread keeper;
    private long lastEventNanos = System.nanoTime();
    private long lastWriteNanos = lastEventNanos;
    private volatile boolean closed;
    private volatile boolean clientGone;

    ClientStream(ObjectMapper json, OutputStream out, Duration pingInterval, Duration livenessCheck, Runnable onClientGone) {
        this(json, out, pingInterval, livenessCheck, onClientGone, Duration.ofDays(1), () -> { });
    }

    /**
     * @param writeStall a write that makes no progress this long (the client reads nothing, its TCP window is full)
     *                   ends the stream as if the client had gone: {@code onClientGone} runs and {@code disconnect}
     *                   closes the connection, which releases the stuck write
     */
    ClientStream(ObjectMapper json, OutputStream out, Duration pingInterval, Duration livenessCheck,
                 Runnable onClientGone, Duration writeStall, Runnable disconnect) {
        this.stallNanos = writeStall.toNanos();
        this.disconnect = disconnect;
        this.json = json;
        this.out = out;
        this.pingNanos = pingInterval.toNanos();
        this.livenessNanos = livenessCheck.toNanos();
        this.onClientGone = onClientGone;
        this.keeper = Thread.ofVirtual().name("ccrouter-stream-keeper").unstarted(this::keep);
    }

    /** Starts watching the connection; call after the first event. Once started, later calls do nothing. */
    void startKeeper() {
        if (keeper.getState() == Thread.State.NEW) {
            keeper.start();
        }
    }

    @Override
    public void event(StreamEvent event) {
        lock.lock();
        try {
            SseFrames.append(pending, event, json.getFactory());
        } finally {
            lock.unlock();
        }
    }

    /** Sends every event framed since the last flush. */
    @Override
    public void flush() {
        lock.lock();
        try {
            if (pending.size() > 0) {
                lastEventNanos = System.nanoTime();
                write(pending.toByteArray());
                pending.reset();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Sends an SSE comment line (ignored by SDKs), e.g. the billing summary; sent with the next flush. */
    void comment(String text) {
        lock.lock();
        try {
            SseFrames.appendComment(pending, text);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean clientGone() {
        return clientGone;
    }

    private void keep() {
        while (!closed && !clientGone) {
            LockSupport.parkNanos(livenessNanos);
            long since = writingSince;
            if (since != NOT_WRITING && System.nanoTime() - since >= stallNanos) {
                markGone(); // stops the upstream first: nothing more will be generated for a client that reads nothing
                disconnect.run();
                return;
            }
            if (!lock.tryLock()) {
                continue; // the stream is writing right now: the connection is evidently being used
            }
            try {
                if (closed || clientGone) {
                    return;
                }
                long now = System.nanoTime();
                if (now - lastEventNanos >= pingNanos) {
                    event(new StreamEvent.Ping());
                    flush();
                } else if (now - lastWriteNanos >= livenessNanos) {
                    write(LIVENESS_COMMENT);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void write(byte[] bytes) {
        if (clientGone || closed) {
            return;
        }
        writingSince = System.nanoTime();
        try {
            out.write(bytes);
            out.flush();
            lastWriteNanos = System.nanoTime();
        } catch (IOException | RuntimeException e) {
            // Helidon reports a closed client as ServerConnectionException (unchecked): any failed write means gone.
            markGone();
        } finally {
            writingSince = NOT_WRITING;
        }
    }

    private void markGone() {
        if (!clientGone) {
            clientGone = true;
            onClientGone.run();
        }
    }

    /** Stops the keeper and ends the response; once closed, later calls do nothing. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lock.unlock();
        }
        keeper.interrupt();
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            markGone();
        }
    }
}
