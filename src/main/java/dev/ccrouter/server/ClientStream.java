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
 * that stays connected but reads nothing fills its TCP window and blocks the write: the output given here is bounded
 * ({@link StallBoundedOutput}), so such a write fails once it has made no progress for the write-stall bound, and the
 * client counts as gone.
 */
final class ClientStream implements ClientChannel, AutoCloseable {
    private static final byte[] LIVENESS_COMMENT = ":\n\n".getBytes(StandardCharsets.US_ASCII);

    private final ObjectMapper json;
    private final OutputStream out;
    private final long pingNanos;
    private final long livenessNanos;
    private final Runnable onClientGone;
    private final ReentrantLock lock = new ReentrantLock();
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(1024);
    private final Thread keeper;
    private long lastEventNanos = System.nanoTime();
    private long lastWriteNanos = lastEventNanos;
    private volatile boolean closed;
    private volatile boolean clientGone;

    /**
     * @param out          the response's output, bounded by the write-stall deadline
     * @param onClientGone runs once when a write fails: the client left, or stopped reading
     */
    ClientStream(ObjectMapper json, OutputStream out, Duration pingInterval, Duration livenessCheck,
                 Runnable onClientGone) {
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
        try {
            out.write(bytes);
            out.flush();
            lastWriteNanos = System.nanoTime();
        } catch (IOException | RuntimeException e) {
            // Helidon reports a closed client as ServerConnectionException (unchecked): any failed write means gone.
            markGone();
        }
    }

    private void markGone() {
        if (!clientGone) {
            clientGone = true;
            onClientGone.run();
        }
    }

    /**
     * Stops the keeper and ends the response, sending what is still unsent with its end: unflushed, so that a stream
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
            if (pending.size() > 0 && !clientGone) {
                try {
                    pending.writeTo(out);
                } catch (IOException | RuntimeException e) {
                    markGone();
                }
                pending.reset();
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
