package dev.ccrouter.upstream;

import java.io.Closeable;
import java.io.IOException;

/**
 * Aborts one exchange's upstream call from another thread — the watchdog that noticed the client leave. The call's
 * socket is closed under it, which makes a blocked connect or read return at once, and closing the connection is
 * what tells a provider to stop generating (and billing). A call cancelled before it starts never opens a socket.
 *
 * <p>Only the connection the call is using is closed: once its body ended and the connection went back to the pool,
 * it belongs to the next request and a late {@link #cancel()} leaves it alone.
 */
public final class Cancellation {
    private Closeable inFlight;
    private boolean cancelled;
    /** What runs when the call first waits on the network for long (see {@link #whenWaiting}). */
    private Runnable waiting;

    /** Closes the call's connection, if one is open, and refuses any further call of this exchange. */
    public void cancel() {
        Closeable connection;
        synchronized (this) {
            cancelled = true;
            connection = inFlight;
            inFlight = null;
        }
        closeQuietly(connection);
    }

    public synchronized boolean cancelled() {
        return cancelled;
    }

    /**
     * Has {@code action} run once when the call is first about to wait on the upstream for long: a connection to be
     * opened (on the calling thread), a read that has waited {@link UpstreamClient#PATIENCE} without a byte or a
     * request's write the upstream has not taken within it (on the thread that times the reads and writes,
     * {@link SilenceWatch}, while the calling thread still waits: the action must not depend on the thread it runs on,
     * nor block). What a request needs only while its upstream keeps it waiting — a watch on its client, a timer — is
     * started there, so an upstream that takes the request and answers at once costs neither, whatever the body's
     * size. Actions added before the first wait all run, in order; one added after it runs at the next.
     */
    public synchronized void whenWaiting(Runnable action) {
        Runnable before = waiting;
        waiting = before == null ? action : () -> {
            before.run();
            action.run();
        };
    }

    /** The call is about to wait: runs what {@link #whenWaiting} asked, once, whichever thread says so first. */
    void waiting() {
        Runnable action;
        synchronized (this) {
            action = waiting;
            waiting = null;
        }
        if (action != null) {
            action.run();
        }
    }

    /** The call now uses this socket or connection; closed at once when the exchange was cancelled already. */
    void attach(Closeable connection) throws IOException {
        synchronized (this) {
            if (!cancelled) {
                inFlight = connection;
                return;
            }
        }
        closeQuietly(connection);
        throw new IOException("the client went away");
    }

    /**
     * The connection is no longer this call's (its body ended); whether it may serve another call. Not once the call
     * was cancelled: {@link #cancel()} closes the connection outside the lock, maybe only now, and would close it
     * under the next call — after that call's request went out, which would then be sent again.
     */
    synchronized boolean detach(Closeable connection) {
        if (inFlight == connection) {
            inFlight = null;
        }
        return !cancelled;
    }

    private static void closeQuietly(Closeable connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
