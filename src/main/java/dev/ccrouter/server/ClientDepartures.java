package dev.ccrouter.server;

import dev.ccrouter.http.ServerResponse;
import java.io.UncheckedIOException;

/**
 * Notices a client that closes its connection while a handler is busy with it — waiting for the upstream's answer,
 * reading a whole response — when nothing is being written to it, so no write can fail to tell. (A client that stops
 * reading is the edge's too, below any handler: every write to the socket is timed through the server's
 * {@code ConnectionGate}, and one that makes no progress for the body timeout closes the connection.)
 */
interface ClientDepartures {
    /** Nothing watched (a handler run without the gateway's edge). */
    ClientDepartures NONE = new ClientDepartures() {
        @Override
        public Watch watch(Runnable onDeparture) {
            return () -> { };
        }

        @Override
        public ClientDepartures here() {
            return this;
        }

        @Override
        public boolean polled() {
            return false;
        }
    };

    /**
     * Watches the current connection from now (its request must have been read whole) until the result is closed;
     * {@code onDeparture} runs at most once, on the watchdog's thread, soon after the client closed its side.
     */
    Watch watch(Runnable onDeparture);

    /**
     * This connection's departures, for use from another thread: the others answer for the connection whose handler
     * thread calls them, so a stream opened from a timer's thread (started early) would watch nothing without this.
     */
    ClientDepartures here();

    /**
     * Whether this connection's departures are noticed by polling its socket ({@link DepartureProbe}): a watch then
     * costs nothing while nothing happens, and a stream watched so needs no liveness writes.
     */
    boolean polled();

    /**
     * Sends a whole response (its headers set); false when the client stopped reading or left before taking it all,
     * and its connection was closed.
     */
    default boolean sendWhole(ServerResponse res, byte[] body) {
        try {
            res.send(body);
            return true;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** A running watch. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
