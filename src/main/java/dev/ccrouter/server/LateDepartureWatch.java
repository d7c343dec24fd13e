package dev.ccrouter.server;

/**
 * A request's watch for its client leaving ({@link ClientDepartures#watch}), started only once the upstream keeps the
 * request waiting ({@code Cancellation.whenWaiting}: a read silent for {@code UpstreamClient.PATIENCE}, a connection
 * to open). Where the socket cannot be polled ({@link DepartureProbe}), the watch probes it from a virtual thread of
 * its own, which Helidon's next read of the connection waits for: a thread started, run and joined per request, 7 % of
 * the gateway's CPU samples under load (docs/benchmarks.md), for an upstream that answers within milliseconds and a
 * client that had no time to leave. A polled socket's watch is cheap, but an entry the watchdog polls all the same.
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
     * stream needs no liveness writes (true). Elsewhere its writes notice a departure from now (false), so a probe
     * running ends and none starts any more; a probe never started is not told to stop: Helidon would keep that mark
     * for the connection's next request and its probe would end before it began.
     */
    synchronized boolean watchStream(ClientDepartures connection) {
        if (connection.polled()) {
            if (running == null && !stopped) {
                running = connection.watch(onDeparture);
            }
            return running != null;
        }
        stopped = true;
        if (running != null) {
            connection.stopProbing();
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
