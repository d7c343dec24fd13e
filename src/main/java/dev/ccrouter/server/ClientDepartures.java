package dev.ccrouter.server;

/**
 * Notices a client that closes its connection while a handler is busy with it — waiting for the upstream's answer,
 * reading a whole response — when nothing is being written to it, so no write can fail to tell.
 */
interface ClientDepartures {
    /** Nothing watched (a handler run without the gateway's edge). */
    ClientDepartures NONE = onDeparture -> () -> {
    };

    /**
     * Watches the current connection from now (its request must have been read whole) until the result is closed;
     * {@code onDeparture} runs at most once, on the watchdog's thread, soon after the client closed its side.
     */
    Watch watch(Runnable onDeparture);

    /** A running watch. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
