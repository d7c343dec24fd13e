package dev.ccrouter.server;

import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.http.Handler;
import dev.ccrouter.http.HeaderName;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerRequest;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * What the ledger needs about a {@code /v1/messages} request beyond its {@link Exchange}: who sent it (as a key id:
 * the key's configured name or short hash, {@link ClientKeyNames}, never the key), its Claude Code session (without
 * the request's key, should the client have sent it there), when it arrived and when its first byte went out. A
 * handler wrapped by {@link #around} makes them available, on the request's own thread, to whatever {@link AccessLog}
 * tells about the exchange at its end.
 */
final class RequestFacts {
    private static final HeaderName SESSION_ID = HeaderNames.create("x-claude-code-session-id");

    final Instant arrived;
    final String sessionId;
    final String clientKeyId;
    /** {@link System#nanoTime} when the response started (headers out), or 0 before. */
    volatile long firstByteNanos;
    /** The response is an event stream (known once it started). */
    volatile boolean streaming;

    private RequestFacts(Instant arrived, String sessionId, String clientKeyId) {
        this.arrived = arrived;
        this.sessionId = sessionId;
        this.clientKeyId = clientKeyId;
    }

    /** The facts of the request being handled on this thread, or null outside a wrapped handler. */
    static final class Current implements Supplier<RequestFacts> {
        // The server runs each request on its connection's virtual thread, start to finish, the access log included.
        private final ThreadLocal<RequestFacts> current = new ThreadLocal<>();
        private final AtomicInteger openStreams = new AtomicInteger();
        private volatile ClientKeyNames keyNames = ClientKeyNames.none();

        /** Names keys as this configuration does, from the next request on. */
        void configure(AuthSettings auth) {
            keyNames = ClientKeyNames.of(auth);
        }

        @Override
        public RequestFacts get() {
            return current.get();
        }

        /** The handler, with this request's facts available while it runs. */
        Handler around(Handler handler) {
            return (req, res) -> {
                RequestFacts facts = of(req, keyNames);
                res.beforeSend(() -> {
                    facts.firstByteNanos = System.nanoTime();
                    facts.streaming = res.headerValue(HeaderNames.CONTENT_TYPE)
                            .map(RequestFacts::isEventStream).orElse(false);
                    if (facts.streaming) {
                        openStreams.incrementAndGet();
                    }
                });
                current.set(facts);
                try {
                    handler.handle(req, res);
                } finally {
                    current.remove();
                    if (facts.streaming) {
                        openStreams.decrementAndGet();
                    }
                }
            };
        }

        /** Event streams being sent right now. */
        int openStreams() {
            return openStreams.get();
        }
    }

    /**
     * Whether a content type is {@code text/event-stream}, parameters aside: the value is only looked at, not parsed
     * into a media type (which was most of this hook's cost on every request).
     */
    static boolean isEventStream(String contentType) {
        String type = "text/event-stream";
        String value = contentType.strip();
        if (!value.regionMatches(true, 0, type, 0, type.length())) {
            return false;
        }
        String rest = value.substring(type.length()).stripLeading();
        return rest.isEmpty() || rest.charAt(0) == ';';
    }

    private static RequestFacts of(ServerRequest req, ClientKeyNames keyNames) {
        String key = ClientCredentials.apiKey(req.headers());
        String session = req.headers().first(SESSION_ID).map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
        // The session id is the client's words, stored and shown as they are: a key sent there, of any shape, is
        // taken out here, where the key is at hand (the ledger takes out sk-… tokens, as for the model).
        return new RequestFacts(Instant.now(), SecretRedaction.withoutKey(session, key), keyNames.idOf(key));
    }
}
