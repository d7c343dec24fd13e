package dev.ccrouter.upstream;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.UrlHosts;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * HTTP/1.1 to providers, written for this one job: POST a JSON body, read a status, headers and a body as it arrives.
 * Keep-alive connections are pooled per endpoint, TCP_NODELAY is on (small SSE frames would otherwise wait ~40 ms for
 * Nagle), redirects are never followed (a key must not travel wherever an upstream points), and the read timeout is
 * the longest silence tolerated on any single read ({@link SilenceWatch}). A request that fails on a pooled connection
 * before any byte of a response arrived, and at once ({@link #STALE_WITHIN}), is sent once more on a fresh connection:
 * the provider had most likely closed that connection, and never read the request. One that fails so on a fresh
 * connection is not: the provider may have read it and be generating (and billing) its answer, so it fails at once,
 * as browsers, curl and Go's client have it.
 *
 * <p>It replaces a general-purpose client whose per-request work (header validation, URI parsing, pool bookkeeping)
 * was a third of the gateway's CPU under load.
 */
public final class UpstreamClient implements AutoCloseable {
    public static final String HTTP_REFERER = "HTTP-Referer";
    public static final String X_TITLE = "X-Title";
    /**
     * How long a call waits on the upstream before it counts as waiting ({@link Cancellation#whenWaiting}): longer
     * than a local server or a cache takes to answer, far shorter than a model takes to start.
     */
    public static final Duration PATIENCE = Duration.ofMillis(50);

    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final String httpReferer;
    private final String appTitle;
    private final ConnectionPool pool;
    /** Nanoseconds, as {@link System#nanoTime}: how long a pooled connection held a request, and idled in the pool. */
    private final LongSupplier clock;
    /** Times every connection's reads (the patience, and the read timeout) and writes (the patience). */
    private final SilenceWatch silences;
    /** Per provider URL, what its requests share; as many entries as configured endpoints. */
    private final Map<URI, Target> targets = new ConcurrentHashMap<>();
    private final UpstreamTls tls;
    /**
     * Run between sending a request and reading its answer, by the calling (virtual) thread: the server's way of letting
     * other exchanges run first when its carriers are all busy (the http package's {@code Crowd}).
     */
    private final Runnable beforeAwaitingAnswer;
    /** The pool's periodic sweep, once {@link #closeStaleConnectionsOn} scheduled it; cancelled at close. */
    private Future<?> sweep; // guarded by this, as closed
    private boolean closed;

    public UpstreamClient(GatewayConfig config) {
        this(config, () -> { });
    }

    /** As {@link #UpstreamClient(GatewayConfig)}, running {@code beforeAwaitingAnswer} once each request is sent. */
    public UpstreamClient(GatewayConfig config, Runnable beforeAwaitingAnswer) {
        this(config, () -> (SSLSocketFactory) SSLSocketFactory.getDefault(), System::nanoTime, beforeAwaitingAnswer);
    }

    /** With the TLS context https connections use made by {@code tlsContext}, when one is needed. */
    UpstreamClient(GatewayConfig config, Supplier<SSLSocketFactory> tlsContext) {
        this(config, tlsContext, System::nanoTime);
    }

    /** With the clock that times pooled connections given (tests move it instead of waiting). */
    UpstreamClient(GatewayConfig config, Supplier<SSLSocketFactory> tlsContext, LongSupplier clock) {
        this(config, tlsContext, clock, () -> { });
    }

    private UpstreamClient(GatewayConfig config, Supplier<SSLSocketFactory> tlsContext, LongSupplier clock,
                           Runnable beforeAwaitingAnswer) {
        this.clock = clock;
        this.beforeAwaitingAnswer = beforeAwaitingAnswer;
        this.pool = new ConnectionPool(clock);
        this.connectTimeout = config.connectTimeout();
        this.readTimeout = config.readTimeout();
        this.httpReferer = config.httpReferer();
        this.appTitle = config.appTitle();
        this.silences = SilenceWatch.running(PATIENCE, readTimeout);
        this.tls = new UpstreamTls(tlsContext);
    }

    /**
     * Starts making the TLS context on its own thread when a configured provider is https, so that the first request
     * does not wait for it.
     *
     * @param endpoints where the configured providers are reached: their addresses as the routing resolved them (a
     *                  provider set by its preset alone has no address in the settings; it is the preset's) Called once the server listens: beside the start it took ≈ 90 ms of CPU from the start's
     * other threads on 2 cores (≈ 40 ms later to "listening"), and a first request seldom comes sooner than a client
     * takes to start; one that does waits for the context being made, as it would have anyway.
     */
    public void prepareTls(Collection<URI> endpoints) {
        if (endpoints.stream().anyMatch(UpstreamClient::isHttps)) {
            tls.start();
        }
    }

    /** OpenRouter's app attribution, from the client when it sent it, else from the configuration. */
    public record Attribution(String httpReferer, String title) {
        public static final Attribution NONE = new Attribution(null, null);
    }

    /**
     * One POST to a provider.
     *
     * @param url         the endpoint ({@code …/chat/completions}, or {@code …/messages} for Anthropic-wire providers)
     * @param authHeader  the header that carries the key ({@code Authorization} with a {@code Bearer } value, or
     *                    {@code x-api-key}); null to send none
     * @param authValue   its value
     * @param stream      whether the body asks for SSE
     * @param attribution the client's {@code HTTP-Referer} / {@code X-Title}, each null when it sent none
     * @param headers     further headers the protocol needs (Anthropic's {@code anthropic-version})
     */
    public record Call(URI url, String authHeader, String authValue, boolean stream, Attribution attribution,
                       Map<String, String> headers) {

        public Call(URI url, String authHeader, String authValue, boolean stream, Attribution attribution) {
            this(url, authHeader, authValue, stream, attribution, Map.of());
        }
    }

    /**
     * Posts a request body and reads the response head; the body is read from the response as it arrives.
     *
     * @throws UpstreamException when the upstream cannot be reached or does not answer in time
     */
    public UpstreamResponse post(Call call, byte[] body) {
        return post(call, body, new Cancellation());
    }

    /**
     * {@link #post(Call, byte[])}, abortable through {@code cancellation} until the response's body ended.
     *
     * @throws UpstreamException also when the call was cancelled ({@link Cancellation#cancelled()} then says so)
     */
    public UpstreamResponse post(Call call, byte[] body, Cancellation cancellation) {
        return post(call, RequestBody.of(body), cancellation);
    }

    /** {@link #post(Call, byte[], Cancellation)} with a body serialized behind room for the head (one write). */
    public UpstreamResponse post(Call call, RequestBody body, Cancellation cancellation) {
        Target target = targets.computeIfAbsent(call.url(), Target::of);
        Http1Connection.Endpoint endpoint = target.endpoint();
        byte[] head = head(call, target, body.length());
        Http1Connection pooled = pool.take(endpoint);
        if (pooled != null) {
            try {
                return exchange(pooled, true, head, body, cancellation);
            } catch (IOException | RuntimeException onPooled) {
                if (isTimeout(onPooled) || cancellation.cancelled() // not a stale pooled connection
                        || onPooled instanceof AnswerBegun // the upstream took the request: again would bill it twice
                        || onPooled instanceof HeldThenDropped) { // so it did, most likely
                    throw failed(call, onPooled);
                }
                // the provider closed it while it sat in the pool, and never read the request: on a fresh one
            }
        }
        try {
            return exchange(connect(endpoint, cancellation), false, head, body, cancellation);
        } catch (IOException | RuntimeException onFresh) {
            throw failed(call, onFresh);
        }
    }

    /** What the caller is told of a failed exchange: it timed out, or the upstream could not be reached. */
    private static UpstreamException failed(Call call, Exception e) {
        if (isTimeout(e)) {
            return timeout(call, e);
        }
        return unreachable(call, e instanceof AnswerBegun || e instanceof HeldThenDropped ? e.getCause() : e);
    }

    /**
     * Has {@code timers} close, every {@link ConnectionPool#MAX_IDLE} until this client closes, the pooled connections
     * idle longer than that: each release closes a few of them, but when no request comes at all nothing else would,
     * and each would stay open for good (in CLOSE_WAIT once the provider closed its end), holding a descriptor.
     *
     * @param timers a thread that runs short chores (closing sockets) and is running anyway; none of this client's own
     */
    public void closeStaleConnectionsOn(ScheduledExecutorService timers) {
        long period = ConnectionPool.MAX_IDLE.toNanos();
        synchronized (this) {
            if (sweep == null && !closed) {
                sweep = timers.scheduleWithFixedDelay(this::closeStale, period, period, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** One sweep: a failure is the sweep's alone, since a periodic task that throws is never run again. */
    private void closeStale() {
        try {
            pool.closeStale();
        } catch (RuntimeException e) {
            // the next sweep, or a release, closes what this one left
        }
    }

    /** How many idle connections to the URL's endpoint the pool keeps (for tests). */
    int idleConnections(URI url) {
        return pool.idle(Target.of(url).endpoint());
    }

    private Http1Connection connect(Http1Connection.Endpoint endpoint, Cancellation cancellation) throws IOException {
        cancellation.waiting(); // a connect (and a TLS handshake) may take long
        return Http1Connection.open(endpoint, connectTimeout, endpoint.tls() ? tls.get() : null, cancellation,
                silences);
    }

    /** One request on {@code connection}, taken from the pool ({@code reused}) or just opened. */
    private UpstreamResponse exchange(Http1Connection connection, boolean reused, byte[] head, RequestBody body,
                                      Cancellation cancellation) throws IOException {
        try {
            cancellation.attach(connection);
            connection.serve(cancellation); // from here a write or read that waits for the patience tells it so
            // Read before the request goes out: the provider may have read it, and the clock moved, before the
            // write returns here. A long write counts as held, which is the safe side (the provider was reading).
            long sent = reused ? clock.getAsLong() : 0;
            try {
                connection.send(head, body);
            } catch (IOException | RuntimeException unsent) {
                // An upstream may answer before it has read the whole body (a 413 once it read the head) and then
                // close: its answer may be waiting to be read, and is the call's outcome, not the broken write.
                UpstreamResponse early = answerAfterUnsentBody(connection, cancellation);
                if (early == null) {
                    throw unsent;
                }
                return reused ? unlessWrittenWhileIdle(early) : early;
            }
            beforeAwaitingAnswer.run();
            UpstreamResponse response;
            try {
                response = answer(connection, cancellation, true);
            } catch (Http1Connection.NoResponseException none) {
                throw reused && clock.getAsLong() - sent > STALE_WITHIN_NANOS ? new HeldThenDropped(none) : none;
            }
            return reused ? unlessWrittenWhileIdle(response) : response;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * The response read on a connection taken from the pool, unless it is a 408: some servers (HAProxy, Google's front
     * ends) write one on a keep-alive connection whose idle timeout ended, and close it. That 408 was written before
     * the request arrived and answers nothing; the request was not read, and is sent again on a fresh connection as
     * for a pooled connection found closed (RFC 9110: a 408's request may be repeated on a new connection).
     */
    private static UpstreamResponse unlessWrittenWhileIdle(UpstreamResponse response) throws IOException {
        if (response.status() != 408) {
            return response;
        }
        response.close();
        throw new Http1Connection.NoResponseException("the pooled connection was closed for idleness with a 408");
    }

    /** The answer that came while the body was still being sent; null when none came (the write's failure stands). */
    private UpstreamResponse answerAfterUnsentBody(Http1Connection connection, Cancellation cancellation) {
        try {
            return answer(connection, cancellation, false);
        } catch (IOException | RuntimeException none) {
            return null;
        }
    }

    /**
     * The response to the request just sent; a failure once some of it came (a head cut short, or one that cannot be
     * read) is the upstream's answer begun, and ends the call: only a request no byte answered is sent again.
     */
    private UpstreamResponse answer(Http1Connection connection, Cancellation cancellation, boolean reusable)
            throws IOException {
        try {
            ResponseHead response = connection.readHead();
            return new UpstreamResponse(response, new ResponseBody(connection, response, released -> {
                // not reused: part of a request body went out on it, or the call was cancelled (closing it)
                if (!cancellation.detach(released) || !reusable) {
                    released.close();
                    return;
                }
                released.serve(null);
                pool.release(released);
            }));
        } catch (Http1Connection.NoResponseException nothing) {
            throw nothing;
        } catch (IOException | RuntimeException e) {
            throw new AnswerBegun(e);
        }
    }

    /**
     * A pooled connection the provider had closed while it sat idle answers its next request with the end of the
     * connection at once, within a round trip; one that ends later held the request that long: the provider read it
     * and was likely generating (and billing) the answer when the connection dropped (a crash, a proxy's timeout), so
     * it is not sent again.
     */
    static final Duration STALE_WITHIN = Duration.ofSeconds(1);
    private static final long STALE_WITHIN_NANOS = STALE_WITHIN.toNanos();

    /** A pooled connection ended without an answer after it held the request longer than {@link #STALE_WITHIN}. */
    private static final class HeldThenDropped extends IOException {
        HeldThenDropped(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** The upstream began to answer before the exchange failed. */
    private static final class AnswerBegun extends IOException {
        AnswerBegun(Throwable cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * What is the same in every request to one URL: where connections go, and the head's first lines (up to the
     * {@code Content-Length} value) for each kind of answer asked for (made once, not per request).
     */
    private record Target(Http1Connection.Endpoint endpoint, String jsonHead, String streamHead) {
        static Target of(URI url) {
            boolean tls = isHttps(url);
            String host = UrlHosts.host(url);
            int port = UrlHosts.port(url) > 0 ? UrlHosts.port(url) : tls ? 443 : 80;
            String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                    + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            String start = "POST " + path + " HTTP/1.1\r\n"
                    + "Host: " + host + (port == (tls ? 443 : 80) ? "" : ":" + port) + "\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Accept: ";
            return new Target(new Http1Connection.Endpoint(tls, host, port),
                    start + "application/json\r\nContent-Length: ", start + "text/event-stream\r\nContent-Length: ");
        }
    }

    private static boolean isHttps(URI url) {
        return "https".equalsIgnoreCase(url.getScheme());
    }

    /** The request head, built once per call; header values lose any line break, so none can add a header. */
    private byte[] head(Call call, Target target, int contentLength) {
        StringBuilder head = new StringBuilder(320)
                .append(call.stream() ? target.streamHead() : target.jsonHead())
                .append(contentLength).append("\r\nUser-Agent: ccrouter\r\n");
        if (call.authHeader() != null) {
            header(head, call.authHeader(), call.authValue());
        }
        call.headers().forEach((name, value) -> header(head, name, value));
        Attribution attribution = call.attribution();
        String referer = attribution.httpReferer() != null ? attribution.httpReferer() : httpReferer;
        String title = attribution.title() != null ? attribution.title() : appTitle;
        if (referer != null) {
            header(head, HTTP_REFERER, referer);
        }
        if (title != null) {
            header(head, X_TITLE, title);
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void header(StringBuilder head, String name, String value) {
        head.append(name).append(": ").append(value.replace('\r', ' ').replace('\n', ' ')).append("\r\n");
    }

    /** Closes the idle connections; the reads' watch and the pool's sweep stop. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            if (sweep != null) {
                sweep.cancel(false);
            }
        }
        pool.close();
        silences.close();
    }

    private static UpstreamException unreachable(Call call, Throwable e) {
        return new UpstreamException(new AnthropicError(502, ErrorType.API,
                "Could not reach the upstream at " + describe(call.url()) + ": " + reason(e), null), e);
    }

    private static UpstreamException timeout(Call call, Throwable e) {
        return new UpstreamException(AnthropicError.of(ErrorType.TIMEOUT,
                "The upstream at " + describe(call.url()) + " did not answer in time."), e);
    }

    /**
     * Links the connection pool key's record methods: a record's {@code hashCode} and {@code equals} are bootstrapped,
     * and their method handles spun into classes, at their first call; called at start so that it is not the first
     * request's (a few milliseconds of it, interpreted).
     */
    public static void linkPoolKey() {
        Http1Connection.Endpoint key = new Http1Connection.Endpoint(false, "127.0.0.1", 80);
        key.hashCode();
        key.equals(new Http1Connection.Endpoint(false, "127.0.0.1", 80));
    }

    /** Whether a failure was the upstream going quiet for longer than the read timeout. */
    public static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException
                    || t instanceof InterruptedIOException && !(t instanceof java.nio.channels.ClosedByInterruptException)) {
                return true;
            }
        }
        return false;
    }

    /** A short cause for people, never a stack trace. */
    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return "connection refused";
            }
            if (t instanceof UnknownHostException) {
                return "unknown host";
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName()
                : root instanceof IOException ? message : root.getClass().getSimpleName() + ": " + message;
    }

    /** The URL without any user-info or query, so credentials in it can never reach a message. */
    private static String describe(URI base) {
        return base.getScheme() + "://" + UrlHosts.hostAndPort(base) + base.getPath();
    }
}
