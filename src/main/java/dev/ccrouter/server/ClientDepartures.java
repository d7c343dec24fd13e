package dev.ccrouter.server;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Notices a client that closes its connection while a handler is busy with it — waiting for the upstream's answer,
 * reading a whole response — when nothing is being written to it, so no write can fail to tell; and ends a
 * connection whose client stopped reading, so that a write stuck on it does not hold the exchange forever.
 */
interface ClientDepartures {
    /** Nothing watched (a handler run without the gateway's edge). */
    ClientDepartures NONE = new ClientDepartures() {
        @Override
        public Watch watch(Runnable onDeparture) {
            return () -> { };
        }

        @Override
        public OutputStream bounded(OutputStream out) {
            return out;
        }

        @Override
        public ClientDepartures here() {
            return this;
        }

        @Override
        public boolean polled() {
            return false;
        }

        @Override
        public void stopProbing() {
        }
    };

    /**
     * Watches the current connection from now (its request must have been read whole) until the result is closed;
     * {@code onDeparture} runs at most once, on the watchdog's thread, soon after the client closed its side.
     */
    Watch watch(Runnable onDeparture);

    /**
     * The current connection's response output, with every write bounded: one that makes no progress for the body
     * timeout closes the connection and fails ({@link StallBoundedOutput}).
     */
    OutputStream bounded(OutputStream out);

    /**
     * This connection's departures, for use from another thread: the others answer for the connection whose handler
     * thread calls them, so a stream opened from a timer's thread (started early) would get no bound without this.
     */
    ClientDepartures here();

    /**
     * Whether this connection's departures are noticed by polling its socket ({@link DepartureProbe}): a watch then
     * costs nothing while nothing happens, and a stream watched so needs no liveness writes.
     */
    boolean polled();

    /**
     * A stream opened on the connection, and its keeper's writes notice a departure from now on: the read probe
     * stops, since it costs a timed-out read every 101 ms for as long as it runs — ten exceptions a second per open
     * stream, most of a busy gateway's CPU with thousands of slow streams open. Nothing to stop where {@link #polled}.
     */
    void stopProbing();

    /**
     * Sends a whole response (its headers set) through {@link #bounded}; false when the client stopped reading or
     * left before taking it all, and its connection was closed.
     */
    default boolean sendWhole(ServerResponse res, byte[] body) {
        res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(body.length)); // sent as one piece, not chunked
        try (OutputStream out = bounded(res.outputStream())) {
            out.write(body);
            return true;
        } catch (IOException | UncheckedIOException | ServerConnectionException e) {
            return false;
        }
    }

    /** A running watch. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
