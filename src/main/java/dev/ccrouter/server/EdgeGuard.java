package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.config.GatewayConfig;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.HttpPrologue;
import io.helidon.http.Method;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The gateway's edge: every client connection passes through here before Helidon's HTTP/1.1 code sees it.
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
 * Helidon 4.5 offers neither: its socket read timeout resets with every byte, and its idle-connection sweep only
 * touches connections waiting for a request line (and runs every two minutes). So the HTTP/1.1 selector is wrapped,
 * and a watchdog thread checks every connection's {@link ConnectionWatch} a few times a second.
 */
final class EdgeGuard implements ReadDeadlines, ClientDepartures, AutoCloseable {
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
    private final Set<ConnectionWatch> watches = ConcurrentHashMap.newKeySet();
    private final AtomicInteger admitted = new AtomicInteger();
    private final Map<InetAddress, AtomicInteger> perClient = new ConcurrentHashMap<>();
    /** Helidon runs a connection's callbacks, filters and handlers on the connection's own thread. */
    private final ThreadLocal<ConnectionWatch> current = new ThreadLocal<>();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            task -> Thread.ofPlatform().daemon().name("ccrouter-edge-watchdog").unstarted(task));
    /**
     * Requests started since the start (health checks aside), and those in their handler now: what tells the watchdog
     * that the gateway is quiet.
     */
    private final AtomicLong requestsStarted = new AtomicLong();
    private final AtomicInteger requestsInProgress = new AtomicInteger();
    private final IdleCollection idleCollection = new IdleCollection(IdleCollection.QUIET, System::gc, System.nanoTime());

    EdgeGuard(GatewayConfig.Edge edge, int maxConnections) {
        this.timeouts = Timeouts.of(edge);
        this.maxConnections = maxConnections;
        this.maxPerClient = Math.min(edge.maxConnectionsPerClient(), maxConnections);
        watchdog.scheduleWithFixedDelay(this::sweep, TICK.toNanos(), TICK.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Connections admitted and not yet closed. */
    int admittedConnections() {
        return admitted.get();
    }

    /** The HTTP/1.1 connection selector to install on the listener, wrapping Helidon's own. */
    ServerConnectionSelector selector(Http1Config http1) {
        Http1ConnectionSelector delegate = Http1ConnectionSelector.builder()
                .config(Http1Config.builder().from(http1).addReceiveListener(new HeadListener()).build())
                .build();
        return new ServerConnectionSelector() {
            @Override
            public int bytesToIdentifyConnection() {
                return delegate.bytesToIdentifyConnection();
            }

            @Override
            public Support supports(BufferData data) {
                return delegate.supports(data);
            }

            @Override
            public Set<String> supportedApplicationProtocols() {
                return delegate.supportedApplicationProtocols();
            }

            @Override
            public ServerConnection connection(ConnectionContext ctx) {
                return new Guarded(delegate.connection(ctx), admit(ctx));
            }
        };
    }

    /**
     * The routing filter: answers a refused connection's request, and tells the connection's watch when a handler
     * starts and ends (Helidon has no callback for the end of a response). A refused connection's {@code GET /health}
     * is served all the same, then the connection closed: a full gateway is alive, and a liveness probe that saw
     * {@code 503} would restart it and drop every stream it holds. The answer costs what the refusal would (the
     * connection was accepted and read either way), so the caps still bound what any client can hold.
     */
    Filter filter(ErrorResponses errors) {
        return (FilterChain chain, RoutingRequest req, RoutingResponse res) -> {
            ConnectionWatch watch = current.get();
            if (watch == null) {
                chain.proceed();
                return;
            }
            watch.handlerStarted();
            if (!isHealthCheck(req)) { // a supervisor's probes every few seconds leave a gateway quiet
                requestsStarted.incrementAndGet();
            }
            requestsInProgress.incrementAndGet();
            try {
                if (watch.admitted()) {
                    chain.proceed();
                } else if (isHealthCheck(req)) {
                    res.header(HeaderValues.CONNECTION_CLOSE);
                    chain.proceed();
                } else {
                    errors.send(res, watch.refusal(), Ids.next("req_"));
                }
            } catch (HttpException e) {
                // Helidon's complaint that a response was begun and not ended: its client left during it, noticed by
                // the watchdog, and its end could not be sent. Nobody is there to answer; the access log has it.
                if (res.isSent() || !watch.departed()) {
                    throw e;
                }
            } finally {
                requestsInProgress.decrementAndGet();
                watch.handlerFinished(System.nanoTime(), req.headers().contains(HeaderValues.CONNECTION_CLOSE));
            }
        };
    }

    private static boolean isHealthCheck(RoutingRequest req) {
        return req.prologue().method() == Method.GET && req.path().path().equals("/health");
    }

    @Override
    public Body bodyStarted() {
        ConnectionWatch watch = current.get();
        if (watch == null) {
            return ReadDeadlines.NONE.bodyStarted();
        }
        watch.bodyStarted(System.nanoTime());
        return watch::bodyRead;
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
    public OutputStream bounded(OutputStream out) {
        ConnectionWatch watch = current.get();
        return watch == null ? out : new StallBoundedOutput(out, watch);
    }

    @Override
    public boolean polled() {
        ConnectionWatch watch = current.get();
        return watch != null && watch.polled();
    }

    @Override
    public void stopProbing() {
        ConnectionWatch watch = current.get();
        if (watch != null) {
            watch.stopProbing();
        }
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
        public OutputStream bounded(OutputStream out) {
            return new StallBoundedOutput(out, connection);
        }

        @Override
        public ClientDepartures here() {
            return this;
        }

        @Override
        public boolean polled() {
            return connection.polled();
        }

        @Override
        public void stopProbing() {
            connection.stopProbing();
        }
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    private ConnectionWatch admit(ConnectionContext ctx) {
        InetAddress client = ctx.remotePeer().address() instanceof InetSocketAddress socket ? socket.getAddress() : null;
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
        return new ConnectionWatch(ctx, client, refusal, timeouts, System.nanoTime());
    }

    private void release(InetAddress client) {
        perClient.computeIfPresent(client, (address, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    /** One tick of the watchdog: every connection's deadlines against the clock, then the heap of a quiet gateway. */
    private void sweep() {
        long now = System.nanoTime();
        for (ConnectionWatch watch : watches) {
            watch.checkDeparture();
            watch.check(now, hasBufferedBytes(watch));
        }
        idleCollection.tick(now, requestsStarted.get(), requestsInProgress.get());
    }

    /**
     * Whether the connection holds unparsed request bytes. Read from the watchdog thread without the reader's
     * cooperation: a stale answer only shifts the head deadline's start by one tick.
     */
    private static boolean hasBufferedBytes(ConnectionWatch watch) {
        try {
            return watch.phase() == ConnectionWatch.Phase.IDLE && watch.bytesWaiting();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Marks the start of a request head on the connection's watch. */
    private final class HeadListener implements Http1ConnectionListener {
        @Override
        public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
            ConnectionWatch watch = current.get();
            if (watch != null) {
                watch.headStarted(System.nanoTime());
            }
        }
    }

    /** Helidon's HTTP/1.1 connection, registered with the watchdog and counted while it lives. */
    private final class Guarded implements ServerConnection {
        private final ServerConnection delegate;
        private final ConnectionWatch watch;

        Guarded(ServerConnection delegate, ConnectionWatch watch) {
            this.delegate = delegate;
            this.watch = watch;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            watches.add(watch);
            current.set(watch);
            try {
                delegate.handle(limit);
            } finally {
                current.remove();
                watches.remove(watch);
                if (watch.admitted()) {
                    admitted.decrementAndGet();
                    if (watch.client() != null) {
                        release(watch.client());
                    }
                }
            }
        }

        @Override
        public Duration idleTime() {
            return delegate.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            delegate.close(interrupt);
        }
    }
}
