package dev.ccrouter.upstream;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Idle keep-alive connections per provider endpoint. The most recently used connection is taken first (its peer is
 * least likely to have timed it out); connections idle longer than {@link #MAX_IDLE} are dropped rather than reused,
 * since providers close idle connections after a while and a write on such a one fails or, worse, is lost.
 */
final class ConnectionPool {
    static final Duration MAX_IDLE = Duration.ofSeconds(30);
    private static final int MAX_IDLE_PER_ENDPOINT = 256;

    private final Map<Http1Connection.Endpoint, Idle> idle = new ConcurrentHashMap<>();

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
    }

    /** An idle connection to the endpoint, or null. */
    Http1Connection take(Http1Connection.Endpoint endpoint) {
        Idle connections = idle.get(endpoint);
        if (connections == null) {
            return null;
        }
        Http1Connection connection;
        while ((connection = connections.poll()) != null) {
            if (!connection.idleLongerThan(MAX_IDLE)) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    /** Gives a connection whose last response ended cleanly back for reuse. */
    void release(Http1Connection connection) {
        Idle connections = idle.computeIfAbsent(connection.endpoint(), endpoint -> new Idle());
        if (connections.count().incrementAndGet() > MAX_IDLE_PER_ENDPOINT) {
            connections.count().decrementAndGet();
            connection.close();
            return;
        }
        connection.markIdle();
        connections.connections().offerFirst(connection);
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
