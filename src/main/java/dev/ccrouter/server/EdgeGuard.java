package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.http.Connection;
import dev.ccrouter.http.ConnectionGate;
import dev.ccrouter.http.Crowd;
import dev.ccrouter.http.Filter;
import dev.ccrouter.http.Header;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.upstream.BodyArrays;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's edge: every client connection passes through here before its first request is read.
 *
 * <ul>
 *   <li><b>Admission.</b> At most {@code maxConnections} admitted connections in all and {@code maxPerClient} from one
 *   address. A connection over either cap is still read (so its client gets an answer rather than a reset) and its
 *   one request is answered 429 {@code rate_limit_error} (per address) or 503 {@code overloaded_error} (in total),
 *   then closed; {@code GET /health} alone is served, then closed (see {@link #filter}).</li>
 *   <li><b>Read deadlines.</b> The request head must arrive within the head timeout of its first byte, the body
 *   within the body timeout; otherwise 408 and close (slowloris). A connection idle between requests is closed after
 *   the idle timeout.</li>
 *   <li><b>Departures.</b> While a handler waits on the upstream or streams, a client that closed its connection is
 *   noticed within a tick or two ({@link ClientDepartures}), so the upstream call is cancelled instead of run to its
 *   end.</li>
 *   <li><b>A quiet gateway's heap.</b> Once no request has been in progress for a while, one full collection gives
 *   back what a burst left in the heap ({@link IdleCollection}).</li>
 * </ul>
 *
 * A socket read timeout would reset with every byte a slow client sends; instead a watchdog thread checks every
 * connection's {@link ConnectionWatch} a few times a second against the clock.
 */
final class EdgeGuard implements ConnectionGate, ReadDeadlines, ClientDepartures, AutoCloseable {
    static final Duration TICK = Duration.ofMillis(200);

    /** The three read deadlines, in nanoseconds for the watchdog's arithmetic. */
    record Timeouts(long headNanos, long bodyNanos, long idleNanos) {
        static Timeouts of(GatewayConfig.Edge edge) {
            return new Timeouts(edge.headerTimeout().toNanos(), edge.bodyTimeout().toNanos(),
                    edge.idleTimeout().toNanos());
        }
    }

    private final Timeouts timeouts;
    private final int maxConnections;
    private final int maxPerClient;
    /** A reverse proxy relays all its clients from one address: only the total cap bounds it. */
    private final TrustedProxies trustedProxies;
    private final Set<ConnectionWatch> watches = ConcurrentHashMap.newKeySet();
    private final AtomicInteger admitted = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
    /** The server runs a connection's callbacks, filters and handlers on the connection's own thread. */
    private final ThreadLocal<ConnectionWatch> current = new ThreadLocal<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            task -> Thread.ofPlatform().daemon().name("ccrouter-edge-watchdog").unstarted(task));
    /**
     * Requests started since the start (health checks aside), and the server's exchanges in progress now: what tells
     * the watchdog that the gateway is quiet.
     */
    private final AtomicLong requestsStarted = new AtomicLong();
    private final Crowd exchanges;
    private final IdleCollection idleCollection = new IdleCollection(IdleCollection.QUIET, EdgeGuard::giveTheHeapBack,
            System.nanoTime());

    EdgeGuard(GatewayConfig.Edge edge, int maxConnections, Crowd exchanges) {
        this.exchanges = exchanges;
        this.timeouts = Timeouts.of(edge);
        this.maxConnections = maxConnections;
        this.maxPerClient = Math.min(edge.maxConnectionsPerClient(), maxConnections);
        this.trustedProxies = new TrustedProxies(edge.trustedProxies());
        watchdog.scheduleWithFixedDelay(this::sweep, TICK.toNanos(), TICK.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * The watchdog's one thread, which ticks for as long as the gateway runs: for the gateway's other short chores
     * that need a clock and no request (the upstream pool's sweep), rather than a thread of their own.
     */
    ScheduledExecutorService watchdog() {
        return watchdog;
    }

    /** Connections admitted and not yet closed. */
    int admittedConnections() {
        return admitted.get();
    }

    /** Admits (or marks as refused) a connection, and watches it from its first byte to its close. */
    @Override
    public Observer opened(Connection connection) {
        ConnectionWatch watch = admit(connection);
        watches.add(watch);
        current.set(watch);
        return new Observer() {
            @Override
            public void headStarted() {
                watch.headStarted(System.nanoTime());
            }

            @Override
            public void writeStarted() {
                watch.writeStarted(System.nanoTime());
            }

            @Override
            public void writeEnded() {
                watch.writeEnded();
            }

            @Override
            public void closed() {
                current.remove();
                watches.remove(watch);
                if (watch.admitted()) {
                    admitted.decrementAndGet();
                    if (watch.client() != null) {
                        release(watch.client());
                    }
                }
            }
        };
    }

    /**
     * The routing filter: answers a refused connection's request, and tells the connection's watch when a handler
     * starts and ends. A refused connection's {@code GET /health} is served all the same, then the connection closed:
     * a full gateway is alive, and a liveness probe that saw {@code 503} would restart it and drop every stream it
     * holds. The answer costs what the refusal would (the connection was accepted and read either way), so the caps
     * still bound what any client can hold. A request whose head arrived just as its time ran out, with the 408 on
     * its way, is not handled: it gets that answer alone.
     */
    Filter filter(ErrorResponses errors) {
        return (chain, req, res) -> {
            ConnectionWatch watch = current.get();
            if (watch == null) {
                chain.proceed();
                return;
            }
            if (!watch.handlerStarted()) {
                res.abandon();
                return;
            }
            if (!isHealthCheck(req)) { // a supervisor's probes every few seconds leave a gateway quiet
                requestsStarted.incrementAndGet();
            }
            try {
                if (watch.admitted()) {
                    chain.proceed();
                } else if (isHealthCheck(req)) {
                    res.header(Header.CONNECTION_CLOSE);
                    chain.proceed();
                } else {
                    res.header(Header.CONNECTION_CLOSE);
                    errors.send(res, watch.refusal(), Ids.next("req_"));
                }
            } finally {
                watch.handlerFinished(System.nanoTime());
            }
        };
    }

    private static boolean isHealthCheck(ServerRequest req) {
        return req.method().equals("GET") && req.path().equals("/health");
    }

    @Override
    public Body bodyStarted(String requestId) {
        ConnectionWatch watch = current.get();
        if (watch == null) {
            return ReadDeadlines.NONE.bodyStarted(requestId);
        }
        watch.bodyStarted(System.nanoTime(), requestId);
        return new Body() {
            @Override
            public void close() {
                watch.bodyRead();
            }

            @Override
            public boolean expired() {
                return watch.expired();
            }
        };
    }

    @Override
    public Watch watch(Runnable onDeparture) {
        ConnectionWatch watch = current.get();
        if (watch == null) {
            return ClientDepartures.NONE.watch(onDeparture);
        }
        watch.watchDeparture(onDeparture);
        return watch::stopWatchingDeparture;
    }

    @Override
    public boolean polled() {
        ConnectionWatch watch = current.get();
        return watch != null && watch.polled();
    }

    @Override
    public ClientDepartures here() {
        ConnectionWatch watch = current.get();
        return watch == null ? ClientDepartures.NONE : new OfConnection(watch);
    }

    /** One connection's departures, whatever thread asks. */
    private record OfConnection(ConnectionWatch connection) implements ClientDepartures {
        @Override
        public Watch watch(Runnable onDeparture) {
            connection.watchDeparture(onDeparture);
            return connection::stopWatchingDeparture;
        }

        @Override
        public ClientDepartures here() {
            return this;
        }

        @Override
        public boolean polled() {
            return connection.polled();
        }
    }

    @Override
    public void close() {
        // A task still queued is dropped by shutdownNow without being cancelled: its future would never be done, and
        // whoever waits for the start's collection (the rehearsal's thread) would wait for ever.
        for (Runnable dropped : watchdog.shutdownNow()) {
            if (dropped instanceof Future<?> task) {
                task.cancel(false);
            }
        }
    }

    private ConnectionWatch admit(Connection connection) {
        InetAddress peer = connection.remotePeer().getAddress();
        // a trusted proxy's connections are many clients'; it is not counted as one
        InetAddress client = trustedProxies.trusts(peer) ? null : peer;
        AnthropicError refusal = null;
        if (admitted.incrementAndGet() > maxConnections) {
            admitted.decrementAndGet();
            refusal = new AnthropicError(503, ErrorType.OVERLOADED, "The gateway is serving its maximum of "
                    + maxConnections + " connections; retry shortly.", "1");
        } else if (client != null && perClient.computeIfAbsent(client, c -> new AtomicInteger()).incrementAndGet()
                > maxPerClient) {
            release(client);
            admitted.decrementAndGet();
            refusal = new AnthropicError(429, ErrorType.RATE_LIMIT, "Too many connections from your address (at most "
                    + maxPerClient + "); close some or retry shortly.", "1");
        }
        return new ConnectionWatch(connection, client, refusal, timeouts, System.nanoTime());
    }

    private void release(InetAddress client) {
        perClient.computeIfPresent(client, (address, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /**
     * The start is over: on the watchdog's thread, the collection of what it left ({@link IdleCollection#startOver}).
     *
     * @return done once that collection has run (or was not needed), or cancelled when the gateway closed first
     */
    Future<?> startOver() {
        try {
            return watchdog.submit(() -> idleCollection.startOver(requestsStarted.get(), exchanges.inProgress()));
        } catch (RejectedExecutionException stopped) {
            return CompletableFuture.completedFuture(null); // stopped before its start was over: nothing to collect
        }
    }

    /**
     * The quiet gateway's collection ({@link IdleCollection}): the bodies' arrays kept for the next requests are let go
     * first, so that it frees them too (up to 16 MB the old generation would otherwise keep).
     */
    private static void giveTheHeapBack() {
        BodyArrays.emptyAll();
        System.gc();
    }

    /** One tick of the watchdog: every connection's deadlines against the clock, then the heap of a quiet gateway. */
    private void sweep() {
        long now = System.nanoTime();
        for (ConnectionWatch watch : watches) {
            watch.checkDeparture();
            watch.check(now);
        }
        idleCollection.tick(now, requestsStarted.get(), exchanges.inProgress());
    }
}
