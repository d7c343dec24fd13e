package dev.ccrouter.upstream;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Idle keep-alive connections per provider endpoint. The most recently used connection is taken first (its peer is
 * least likely to have timed it out); connections idle longer than {@link #MAX_IDLE} are dropped rather than reused,
 * since providers close idle connections after a while and a write on such a one fails or, worse, is lost.
 *
 * <p>Those are closed here too, not only when a request reaches them: after a burst, requests at low concurrency take
 * only the most recent few, and the rest would stay open for good, each a descriptor in CLOSE_WAIT once the provider
 * has closed its end. Each release closes up to {@link #STALE_CLOSED_PER_RELEASE} of the oldest, and
 * {@link #closeStale} — run periodically by the client's owner — closes all of them when no request comes at all.
 */
final class ConnectionPool {
    static final Duration MAX_IDLE = Duration.ofSeconds(30);
    private static final int MAX_IDLE_PER_ENDPOINT = 256;
    /**
     * How many of the oldest idle connections a release looks at, and closes when stale: a connection enters the
     * pool only by a release, so closing more than one per release drains a burst's leftovers under any traffic, at
     * the cost of a look at the deque's tail, never a walk over it.
     */
    static final int STALE_CLOSED_PER_RELEASE = 2;

    private final Map<Http1Connection.Endpoint, Idle> idle = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    /** @param clock nanoseconds, as {@link System#nanoTime} */
    ConnectionPool(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * One endpoint's idle connections, most recent first, and how many there are: the deque's own {@code size()}
     * walks every node, which under load was a visible share of each request's CPU.
     */
    private record Idle(ConcurrentLinkedDeque<Http1Connection> connections, AtomicInteger count) {
        Idle() {
            this(new ConcurrentLinkedDeque<>(), new AtomicInteger());
        }

        Http1Connection poll() {
            Http1Connection connection = connections.pollFirst();
            if (connection != null) {
                count.decrementAndGet();
            }
            return connection;
        }

        /** Closes the oldest connections while they are stale, looking at {@code atMost} of them. */
        void closeStale(long now, int atMost) {
            for (int looked = 0; looked < atMost; looked++) {
                Http1Connection oldest = connections.peekLast();
                if (oldest == null || !oldest.idleLongerThan(MAX_IDLE, now)) {
                    return;
                }
                if (!connections.removeLastOccurrence(oldest)) {
                    continue; // taken meanwhile
                }
                if (oldest.idleLongerThan(MAX_IDLE, now)) {
                    count.decrementAndGet();
                    oldest.close();
                } else {
                    connections.offerLast(oldest); // taken, used and given back meanwhile: it is fresh again
                }
            }
        }
    }

    /** An idle connection to the endpoint, or null. */
    Http1Connection take(Http1Connection.Endpoint endpoint) {
        Idle connections = idle.get(endpoint);
        if (connections == null) {
            return null;
        }
        long now = clock.getAsLong();
        Http1Connection connection;
        while ((connection = connections.poll()) != null) {
            if (!connection.idleLongerThan(MAX_IDLE, now)) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    /** Gives a connection whose last response ended cleanly back for reuse, closing a few that waited too long. */
    void release(Http1Connection connection) {
        Idle connections = idle.computeIfAbsent(connection.endpoint(), endpoint -> new Idle());
        long now = clock.getAsLong();
        connections.closeStale(now, STALE_CLOSED_PER_RELEASE);
        if (connections.count().incrementAndGet() > MAX_IDLE_PER_ENDPOINT) {
            connections.count().decrementAndGet();
            connection.close();
            return;
        }
        connection.markIdle(now);
        connections.connections().offerFirst(connection);
    }

    /** Closes every connection idle longer than {@link #MAX_IDLE}, to every endpoint. */
    void closeStale() {
        long now = clock.getAsLong();
        idle.values().forEach(connections -> connections.closeStale(now, connections.count().get()));
    }

    /** How many idle connections to the endpoint there are (for tests: whether a connection came back). */
    int idle(Http1Connection.Endpoint endpoint) {
        Idle connections = idle.get(endpoint);
        return connections == null ? 0 : connections.count().get();
    }

    /** Closes every idle connection. */
    void close() {
        idle.values().forEach(connections -> {
            Http1Connection connection;
            while ((connection = connections.poll()) != null) {
                connection.close();
            }
        });
    }
}
