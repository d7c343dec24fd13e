package dev.ccrouter.server;

/**
 * A request's watch for its client leaving ({@link ClientDepartures#watch}), started only once the upstream keeps the
 * request waiting ({@code Cancellation.whenWaiting}: a read silent for {@code UpstreamClient.PATIENCE}, a connection
 * to open): a watch is cheap, but an entry the watchdog polls every tick, which an upstream that answers within
 * milliseconds, to a client that had no time to leave, does not need. Where sockets cannot be polled
 * ({@link DepartureProbe}), nothing is watched.
 *
 * <p>Started on the request's thread (a connection to open) or on the thread that times the upstream's reads (a read
 * silent for the patience), stopped from the request's thread or from the thread that started a stream early: each
 * step takes this object's lock, and {@code departures} must be the connection's own ({@link ClientDepartures#here}),
 * not the one that answers for the current thread's.
 */
final class LateDepartureWatch implements ClientDepartures.Watch {
    private final ClientDepartures departures;
    private final Runnable onDeparture;
    private ClientDepartures.Watch running;
    private boolean stopped;

    LateDepartureWatch(ClientDepartures departures, Runnable onDeparture) {
        this.departures = departures;
        this.onDeparture = onDeparture;
    }

    /** The request waits on its upstream: from now a client that leaves runs {@code onDeparture}. */
    synchronized void start() {
        if (running == null && !stopped) {
            running = departures.watch(onDeparture);
        }
    }

    /**
     * A stream opens on the connection ({@code connection}: its departures from whatever thread opens it). Where the
     * socket is polled, watching costs nothing while nothing happens: the watch starts now if it has not, and the
     * stream needs no liveness writes (true). Elsewhere its writes notice a departure (false).
     */
    synchronized boolean watchStream(ClientDepartures connection) {
        if (connection.polled()) {
            if (running == null && !stopped) {
                running = connection.watch(onDeparture);
            }
            return running != null;
        }
        return false;
    }

    @Override
    public synchronized void close() {
        stopped = true;
        if (running != null) {
            running.close();
        }
    }
}
