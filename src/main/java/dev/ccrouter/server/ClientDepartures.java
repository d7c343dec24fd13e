package dev.ccrouter.server;

import java.time.Duration;

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
        public Duration writeStall() {
            return Duration.ofDays(1);
        }

        @Override
        public Runnable disconnector() {
            return () -> { };
        }
    };

    /**
     * Watches the current connection from now (its request must have been read whole) until the result is closed;
     * {@code onDeparture} runs at most once, on the watchdog's thread, soon after the client closed its side.
     */
    Watch watch(Runnable onDeparture);

    /** How long a write to a client may make no progress before the client counts as gone (the body timeout). */
    Duration writeStall();

    /** Closes the current connection when run (from any thread): for a handler whose write to it is stuck. */
    Runnable disconnector();

    /** A running watch. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
