package dev.ccrouter.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.api.anthropic.EventSink;
import dev.ccrouter.api.anthropic.StreamEvent;
import dev.ccrouter.api.anthropic.Usage;
import dev.ccrouter.billing.Bill;
import dev.ccrouter.billing.GenerationLookups;
import dev.ccrouter.billing.ModelPricing;
import dev.ccrouter.billing.UsageAccounting;
import dev.ccrouter.http.Handler;
import dev.ccrouter.http.Header;
import dev.ccrouter.http.HeaderName;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.http.ServerResponse;
import dev.ccrouter.relay.StreamRelay;
import dev.ccrouter.route.KeyPool;
import dev.ccrouter.route.Provider;
import dev.ccrouter.route.RouteDecision;
import dev.ccrouter.route.RouteDecision.Candidate;
import dev.ccrouter.route.Router;
import dev.ccrouter.route.TargetCooldowns;
import dev.ccrouter.translate.ChatRequest;
import dev.ccrouter.translate.ChatResponseTranslator;
import dev.ccrouter.translate.ChatStreamTranslator;
import dev.ccrouter.translate.InvalidRequestException;
import dev.ccrouter.translate.MessagesRequestTranslator;
import dev.ccrouter.translate.ResponseContext;
import dev.ccrouter.translate.TokenEstimator;
import dev.ccrouter.translate.UpstreamErrors;
import dev.ccrouter.translate.UpstreamFailureException;
import dev.ccrouter.translate.UsageMapper;
import dev.ccrouter.translate.WebSearch;
import dev.ccrouter.translate.WholeMessage;
import dev.ccrouter.upstream.Cancellation;
import dev.ccrouter.upstream.RequestBody;
import dev.ccrouter.upstream.UpstreamClient;
import dev.ccrouter.upstream.UpstreamException;
import dev.ccrouter.upstream.UpstreamResponse;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/messages}: parse once, translate once, forward, and translate the answer back — streamed event by
 * event as the upstream produces it, or whole. Every failure reaches the client in Anthropic's shape: an HTTP error
 * before the stream starts, {@code event: error} after.
 *
 * <p>Usage and cost are computed once per response, by {@link UsageAccounting} when the upstream's final usage
 * arrives; that one {@link Bill} fills the body's or the {@code message_delta}'s usage, the billing headers (whole
 * responses), the {@code : ccrouter-billing} comment after {@code message_stop} (streams) and the access log.
 * Prices come from the catalog's in-memory snapshot: nothing here waits for them.
 */
final class MessagesHandler implements Handler {
    private static final Logger LOG = LoggerFactory.getLogger(MessagesHandler.class);
    private static final HeaderName SESSION_ID = HeaderNames.create("x-claude-code-session-id");
    private static final Pattern SESSION_ID_SHAPE = Pattern.compile("[A-Za-z0-9-]{1,128}");
    /** OpenRouter's app attribution headers, passed on to the upstream as the client sent them. */
    private static final HeaderName HTTP_REFERER = HeaderNames.create(UpstreamClient.HTTP_REFERER);
    private static final HeaderName X_TITLE = HeaderNames.create(UpstreamClient.X_TITLE);
    /** A stream's response headers, the same for every stream: made once. */
    private static final Header EVENT_STREAM = Header.of(HeaderNames.CONTENT_TYPE,
            "text/event-stream; charset=utf-8");
    private static final Header NO_CACHE = Header.of(HeaderNames.CACHE_CONTROL, "no-cache");
    private static final Header NO_PROXY_BUFFERING = Header.of(HeaderNames.create("X-Accel-Buffering"),
            "no");
    private static final int MAX_UPSTREAM_BODY = 64 * 1024 * 1024;
    private static final int MAX_UPSTREAM_ERROR_BODY = 1024 * 1024;
    /** Starts the SSE comment line that carries a stream's bill; SDKs ignore comment lines. */
    static final String BILLING_COMMENT = "ccrouter-billing ";
    /** The status the access log and ledger record for a client that left before its answer (nginx's convention). */
    static final int CLIENT_CLOSED_REQUEST = 499;

    private final ObjectMapper json;
    private final RequestBodies bodies;
    private final ErrorResponses errors;
    static final HeaderName ROUTE = HeaderNames.create("X-CCRouter-Route");
    static final HeaderName PROVIDER = HeaderNames.create("X-CCRouter-Provider");

    private final Router router;
    private final StreamRelay relay;
    private final MessagesRequestTranslator requestTranslator;
    private final ChatResponseTranslator responseTranslator;
    private final TokenEstimator estimator;
    private final UpstreamErrors upstreamErrors;
    private final UpstreamClient upstream;
    private final Duration pingInterval;
    private final Duration livenessCheck;
    private final AccessLog accessLog;
    private final PriceBook prices;
    private final ClientAuth auth;
    private final SpendingLimits limits;
    private final Clock clock = Clock.systemUTC();
    private final AnthropicPassthrough passthrough;
    private final ClientDepartures departures;
    private final Duration earlyStartAfter;
    private final ScheduledExecutorService timers;

    MessagesHandler(ObjectMapper json, RequestBodies bodies, ErrorResponses errors, Router router,
                    UpstreamClient upstream, Duration pingInterval, Duration livenessCheck, AccessLog accessLog,
                    PriceBook prices, ClientAuth auth, SpendingLimits limits, ClientDepartures departures,
                    Duration earlyStartAfter, ScheduledExecutorService timers) {
        this.json = json;
        this.earlyStartAfter = earlyStartAfter;
        this.timers = timers;
        this.departures = departures;
        this.auth = auth;
        this.limits = limits;
        this.prices = prices;
        this.bodies = bodies;
        this.errors = errors;
        this.router = router;
        this.relay = new StreamRelay(json);
        this.upstream = upstream;
        this.pingInterval = pingInterval;
        this.livenessCheck = livenessCheck;
        this.accessLog = accessLog;
        this.requestTranslator = new MessagesRequestTranslator(json);
        this.responseTranslator = new ChatResponseTranslator(json);
        this.estimator = new TokenEstimator();
        this.upstreamErrors = new UpstreamErrors(json);
        this.passthrough = new AnthropicPassthrough(json, departures);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        Exchange exchange = new Exchange(Ids.next("req_"), System.nanoTime());
        res.header(ErrorResponses.REQUEST_ID, exchange.requestId);
        // Every key this request touched (the client's, the provider's): none may leave in an error message.
        List<String> secrets = new ArrayList<>(2);
        RequestBodies.JsonBody body = null;
        try {
            String presented = ClientCredentials.apiKey(req.headers());
            secrets.add(presented);
            String forwardedKey = auth.admit(req.headers());
            limits.admit(presented); // budgets and rates, before anything goes upstream
            body = parseBody(req, exchange.requestId);
            serve(req, res, body.tree(), exchange, forwardedKey, secrets);
        } catch (RequestBodies.TimedOut timedOut) {
            exchange.error = timedOut.error;
            res.abandon(); // its client has the 408, with this request's id, from the connection's watch
        } catch (ClientAuth.Refused refused) {
            exchange.error = refused.error;
            if (refused.retryAfterMillis != null) {
                res.header(ErrorResponses.RETRY_AFTER_MS, String.valueOf(refused.retryAfterMillis));
            }
            errors.send(res, refused.error, exchange.requestId);
        } catch (RequestFailure failure) {
            if (exchange.cancellation.cancelled()) {
                clientLeft(exchange); // nobody to answer: the failure is the cancelled call's
                res.abandon(); // left unsent, the server would answer it as a failure of its own (500, logged)
            } else {
                exchange.error = failure.error;
                errors.send(res, SecretRedaction.redact(failure.error, secrets), exchange.requestId);
            }
        } finally {
            exchange.keepOut(secrets);
            accessLog.log(exchange);
            if (body != null) { // answered and logged: nothing reads its tree any more
                bodies.giveBack(body);
            }
        }
    }

    /**
     * @param clientKey the key to forward to providers without keys of their own; null under {@code auth.keys}
     * @param secrets   collects the provider key used, for redaction
     */
    private void serve(ServerRequest req, ServerResponse res, JsonNode body, Exchange exchange, String clientKey,
                       List<String> secrets) {
        exchange.stream = body.path("stream").asBoolean(false); // for the log, should the client leave before an answer
        // The request is read whole: from here a client that leaves cancels the upstream call, noticed as soon as the
        // upstream keeps the request waiting (an answer within the patience leaves the client no time to).
        // here(): the watch may start on the thread that times the upstream's reads, which has no connection of its own
        try (LateDepartureWatch departure = new LateDepartureWatch(departures.here(), exchange.cancellation::cancel)) {
            exchange.departure = departure;
            exchange.cancellation.whenWaiting(departure::start);
            answer(req, res, body, exchange, clientKey, secrets);
        }
    }

    private void answer(ServerRequest req, ServerResponse res, JsonNode body, Exchange exchange, String clientKey,
                        List<String> secrets) {
        exchange.model = body.path("model").asText("");
        long estimate = estimator.estimate(body);
        RouteDecision decision = router.decide(body, estimate);
        exchange.route = decision.route();
        if (decision.route().equals("subagent")) {
            Router.removeSubagentTag(body);
        }
        String messageId = Ids.next("msg_");
        try (EarlyStart early = earlyStart(res, body, decision, exchange, messageId, estimate)) {
            try {
                respond(req, res, body, exchange, clientKey, secrets, decision, messageId, estimate, early);
            } catch (RequestFailure failure) {
                ClientStream started = early.settle();
                if (started == null) {
                    throw failure;
                }
                failStartedStream(started, failure.error, exchange, secrets);
            }
        }
    }

    private void respond(ServerRequest req, ServerResponse res, JsonNode body, Exchange exchange, String clientKey,
                         List<String> secrets, RouteDecision decision, String messageId, long estimate,
                         EarlyStart early) {
        Answer answer = firstAnswer(decision, body, estimate, req, clientKey, exchange, secrets);
        ClientStream started = early.settle();
        Candidate candidate = answer.candidate;
        ChatRequest chat = answer.chat;
        if (started == null) { // a stream started early sent its head before the answering target was known
            res.header(ROUTE, decision.route());
            res.header(PROVIDER, providerHeader(candidate, secrets));
        }
        if (chat == null) {
            forwardAnswer(res, answer, body, exchange, secrets);
            return;
        }
        exchange.stream = chat.stream();
        // OpenRouter's web plugin ran: it searched, and its fee is in the cost
        boolean webSearch = chat.body().has("plugins") || WebSearch.online(candidate.target().upstreamModel());
        UsageMapper accounting = new AnswerBilling(exchange, chat.cacheTtls(), () -> prices(candidate), webSearch);
        ResponseContext context = new ResponseContext(messageId, exchange.model, chat.toolNames(),
                chat.stopSequences(), accounting, estimate, () -> Ids.next("toolu_"),
                WebSearch.tool(body) != null ? WebSearch.query(body) : null,
                candidate.target().capabilities().thinkOpenedInPrompt());

        try (UpstreamResponse response = answer.response) {
            exchange.upstreamStatus = response.status();
            requireSuccess(response);
            boolean eventStream = isEventStream(response);
            if (chat.stream() && !eventStream && !isJson(response)) {
                throw new RequestFailure(upstreamErrors.notAnEventStream(response.header("content-type"),
                        readQuietly(response, MAX_UPSTREAM_ERROR_BODY)));
            }
            if (chat.stream() && eventStream) {
                stream(started != null ? started : openStream(res, exchange, departures), started != null, response,
                        context, exchange, secrets);
                if (exchange.bill == null || exchange.bill.estimated()) { // no usage chunk: cut off before it
                    exchange.usageLookup = usageLookup(answer, exchange.generationId, chat, webSearch);
                }
            } else {
                JsonNode completion = parseUpstreamJson(response);
                if (chat.stream()) {
                    streamWhole(started != null ? started : openStream(res, exchange, departures), started != null,
                            completion, context, exchange, secrets);
                } else {
                    respondWhole(res, completion, context, exchange);
                }
            }
        }
    }

    /**
     * The target as {@code X-CCRouter-Provider} names it. Its model can be the client's own, a key pasted into it
     * included: that is redacted as an error's body redacts it ({@code keys}, the request's, whatever their shape) and
     * as the access log does (anything shaped like a key), since a header is logged by proxies and clients that would
     * never print a body. And it is cut as the access log cuts a field: a model of any length makes a header longer
     * than a client's parser takes (Node's stops at 16 KB), which turns whatever the answer was into a connection
     * error.
     */
    static String providerHeader(Candidate candidate, List<String> keys) {
        String label = SecretRedaction.withoutKeys(candidate.label(), keys);
        return label.length() <= AccessLog.MAX_FIELD_CHARS ? label
                : label.substring(0, AccessLog.MAX_FIELD_CHARS) + "...";
    }

    /**
     * For a streaming request whose targets all speak OpenAI chat, a timer that starts the client's stream should the
     * upstream stay silent ({@code stream.early_start_seconds}). A target that takes the request as it is (an
     * Anthropic-wire provider) sends its own {@code message_start}, so a route with one never starts early.
     */
    private EarlyStart earlyStart(ServerResponse res, JsonNode body, RouteDecision decision, Exchange exchange,
                                  String messageId, long estimate) {
        if (earlyStartAfter.isZero() || !body.path("stream").booleanValue()
                || decision.targets().stream().anyMatch(target -> target.provider().anthropicWire())) {
            return EarlyStart.never();
        }
        ClientDepartures connection = departures.here(); // the starter runs on a thread of its own
        return EarlyStart.arm(timers, earlyStartAfter, exchange.cancellation::whenWaiting, () -> {
            res.header(ROUTE, decision.route());
            ClientStream client = openStream(res, exchange, connection);
            client.event(ChatStreamTranslator.messageStart(messageId, exchange.model, estimate));
            client.event(new StreamEvent.Ping());
            client.flush();
            client.startKeeper();
            exchange.startedEarly = true;
            return client;
        });
    }

    /**
     * A failure after the stream started early reaches the client as {@code event: error}, with the type its HTTP
     * error would have had; a client already gone (its departure cancelled the upstream call) is not written to.
     */
    private void failStartedStream(ClientStream client, AnthropicError error, Exchange exchange,
                                   List<String> secrets) {
        try (client) {
            if (client.clientGone() || exchange.cancellation.cancelled()) {
                exchange.clientGone = true;
                return;
            }
            recording(client, exchange, secrets).event(new StreamEvent.Error(error));
            client.flush();
        }
    }

    /**
     * The first target of the route that answers. A target that cannot be reached, times out, or answers 408, 429,
     * 5xx or 529 gives way to the next one (nothing has reached the client yet) and cools down, so that later requests
     * skip it; the last one's answer, whatever it is, is the answer. Targets cooling down are skipped (unless all
     * are), and so is a target whose context window cannot hold the request, or that cannot run a web search the
     * request asks for.
     */
    private Answer firstAnswer(RouteDecision decision, JsonNode body, long estimate, ServerRequest req,
                               String clientKey, Exchange exchange, List<String> secrets) {
        String sessionId = req.headers().first(SESSION_ID).orElse(null);
        UpstreamClient.Attribution attribution = new UpstreamClient.Attribution(
                req.headers().first(HTTP_REFERER).orElse(null),
                req.headers().first(X_TITLE).orElse(null));
        JsonNode webSearch = WebSearch.tool(body);
        TargetCooldowns cooldowns = router.cooldowns();
        List<Candidate> targets = cooldowns.usable(fitting(searching(decision, webSearch), estimate), clientKey);
        for (int i = 0; i < targets.size(); i++) {
            Candidate candidate = targets.get(i);
            boolean last = i == targets.size() - 1;
            exchange.provider = candidate.label();
            exchange.upstreamModel = candidate.target().upstreamModel();
            Provider provider = candidate.provider();
            ChatRequest chat = null; // stays null for a provider that takes the request as it is
            RequestBody payload;
            boolean stream;
            Map<String, String> headers = Map.of();
            if (provider.anthropicWire()) {
                payload = RequestBody.of(passthrough.body(body, candidate.target().upstreamModel(),
                        provider.dialect().systemFirstOnly()));
                stream = body.path("stream").asBoolean(false);
                headers = AnthropicPassthrough.headers(req.headers());
            } else {
                try {
                    chat = requestTranslator.translate(body, candidate.target(), sessionId);
                } catch (InvalidRequestException e) {
                    throw new RequestFailure(AnthropicError.invalidRequest(e.getMessage()));
                }
                if (webSearch != null) {
                    chat.body().set("plugins", WebSearch.plugins(webSearch, json.getNodeFactory()));
                }
                router.refusedFields().leaveOut(candidate, chat.body());
                payload = RequestBody.json(json, chat.body(), req.headers().contentLength().orElse(0));
                stream = chat.stream();
                headers = sessionHeader(provider, sessionId);
            }
            Posted posted;
            try {
                posted = post(candidate, payload, stream, headers, clientKey, attribution, exchange, secrets);
                while (chat != null && leftOutRefusedField(candidate, posted.response(), chat.body(), secrets)) {
                    payload.recycle();
                    payload = RequestBody.json(json, chat.body(), req.headers().contentLength().orElse(0));
                    exchange.retries++;
                    posted = post(candidate, payload, stream, headers, clientKey, attribution, exchange, secrets);
                }
            } catch (UpstreamException e) {
                if (exchange.cancellation.cancelled()) {
                    throw new RequestFailure(e.error()); // the client left: not the target's fault, no next target
                }
                cooldowns.failed(candidate);
                if (last) {
                    throw new RequestFailure(e.error());
                }
                exchange.fallbacks++;
                continue;
            } finally {
                payload.recycle(); // sent, or given up on: its array may serve the next body
            }
            UpstreamResponse response = posted.response();
            String forwardedKey = posted.forwardedKey();
            if (!worthAnotherTarget(response.status())) {
                cooldowns.answered(candidate, forwardedKey);
            } else {
                if (response.status() == 429 && forwardedKey != null) {
                    cooldowns.rateLimited(candidate, forwardedKey); // that client's key, not the target, is spent
                } else {
                    cooldowns.failed(candidate);
                }
                if (!last) {
                    response.close();
                    exchange.fallbacks++;
                    continue;
                }
            }
            return new Answer(candidate, chat, response, posted.key());
        }
        throw new IllegalStateException("a route always has a target");
    }

    /**
     * One target's call. A provider with keys of its own uses the next key of its pool; a key refused (401), out of
     * credits (402) or rate-limited (429) rests, and the call is retried with the next ready key. Without keys of its
     * own, the client's key is forwarded.
     */
    private Posted post(Candidate candidate, RequestBody body, boolean stream, Map<String, String> headers,
                        String clientKey, UpstreamClient.Attribution attribution, Exchange exchange,
                        List<String> secrets) {
        Provider provider = candidate.provider();
        KeyPool pool = router.keys(provider);
        for (int attempt = 1; ; attempt++) {
            String key = pool != null ? pool.next() : clientKey;
            secrets.add(key);
            String header = key != null ? provider.authHeader() : null;
            UpstreamResponse response = upstream.post(new UpstreamClient.Call(provider.endpoint(), header,
                    header != null ? provider.authValue(key) : null, stream, attribution, headers), body,
                    exchange.cancellation);
            int status = response.status();
            if (pool == null || !KeyPool.refusesKey(status)) {
                return new Posted(response, key, pool == null);
            }
            pool.rest(key, RetryAfter.parse(response.header("retry-after"), clock));
            if (attempt >= pool.size() || !pool.anyReady()) {
                return new Posted(response, key, false);
            }
            response.close();
            exchange.retries++;
        }
    }

    /**
     * The provider's header for Claude Code's session id (xAI's {@code x-grok-conv-id}), when it has one and the
     * client sent an id of the usual shape (a UUID: nothing a header could be bent with).
     */
    private static Map<String, String> sessionHeader(Provider provider, String sessionId) {
        String name = provider.dialect().sessionHeader();
        if (name == null || sessionId == null || !SESSION_ID_SHAPE.matcher(sessionId).matches()) {
            return Map.of();
        }
        return Map.of(name, sessionId);
    }

    /**
     * Whether the upstream refused an optional field of this body by name (a 400 such as OpenAI's "Unsupported
     * parameter: 'reasoning_effort'"): then the field is taken out of the body, remembered for the target's later
     * requests, and the refusal closed, for the caller to send the body again. Each round takes one field out of a
     * finite body, so the rounds end. Any other answer is left to be read as it is (an error body read here is kept
     * for that).
     *
     * @param secrets the keys the request touched: its model, in the target's label, is the client's words
     */
    private boolean leftOutRefusedField(Candidate candidate, UpstreamResponse response, ObjectNode body,
                                        List<String> secrets) {
        if (response.status() != 400 && response.status() != 422) {
            return false;
        }
        String field;
        try {
            field = UpstreamErrors.refusedField(response.status(), response.peekBody(MAX_UPSTREAM_ERROR_BODY));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
        if (field == null || !UpstreamErrors.leaveOut(field, body)) {
            return false;
        }
        response.close();
        if (router.refusedFields().learn(candidate, field)) {
            // The label holds the model as the client wrote it: a key pasted there is shown as the access log shows it.
            LOG.info("{} refused the request field '{}' (HTTP {}): it is left out of that model's requests from now on",
                    AccessLog.field(SecretRedaction.withoutKeys(candidate.label(), secrets)), field, response.status());
        }
        return true;
    }

    /**
     * With a {@code web_search} server tool, the targets that can run it; when none can, a 400 that says which
     * route to set.
     */
    private List<Candidate> searching(RouteDecision decision, JsonNode webSearch) {
        if (webSearch == null) {
            return decision.targets();
        }
        List<Candidate> able = decision.targets().stream().filter(c -> router.runsWebSearch(c.provider())).toList();
        if (able.isEmpty()) {
            throw new RequestFailure(AnthropicError.invalidRequest("This request uses the web_search server tool "
                    + "(Claude Code's WebSearch), which provider '" + decision.first().provider().name()
                    + "' (route " + decision.route() + ") cannot run. "
                    + (router.routes().webSearch() == null ? "Set routes.web_search to" : "Point routes.web_search at")
                    + " an OpenRouter model, such as openrouter,anthropic/claude-sonnet-4.6."));
        }
        return able;
    }

    /** The targets whose context window can hold the request; when none can, Claude Code's own wording, so it compacts. */
    private static List<Candidate> fitting(List<Candidate> targets, long estimate) {
        boolean allFit = true;
        for (Candidate candidate : targets) {
            allFit &= fits(candidate, estimate);
        }
        if (allFit) {
            return targets; // the usual case: no stream and no new list per request
        }
        List<Candidate> fitting = targets.stream().filter(c -> fits(c, estimate)).toList();
        if (fitting.isEmpty()) {
            int window = targets.getFirst().target().capabilities().contextWindow();
            throw new RequestFailure(AnthropicError.invalidRequest(
                    "prompt is too long: " + estimate + " tokens > " + window + " maximum"));
        }
        return fitting;
    }

    private static boolean fits(Candidate candidate, long estimate) {
        Integer window = candidate.target().capabilities().contextWindow();
        return window == null || estimate <= window;
    }

    private static boolean worthAnotherTarget(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    private ModelPricing prices(Candidate candidate) {
        return prices.find(candidate);
    }

    /** A redirect or an error status becomes the client's error (nothing has reached the client yet). */
    private void requireSuccess(UpstreamResponse response) {
        if (response.status() / 100 == 3) {
            throw new RequestFailure(UpstreamErrors.redirect(response.status(), response.header("location")));
        }
        if (response.status() / 100 != 2) {
            throw new RequestFailure(upstreamErrors.fromResponse(response.status(),
                    readQuietly(response, MAX_UPSTREAM_ERROR_BODY), response.header("retry-after")));
        }
    }

    /** An Anthropic-wire provider's answer, relayed as it is ({@link AnthropicPassthrough}). */
    private void forwardAnswer(ServerResponse res, Answer answer, JsonNode body, Exchange exchange,
                               List<String> secrets) {
        exchange.stream = body.path("stream").asBoolean(false);
        try (UpstreamResponse response = answer.response) {
            exchange.upstreamStatus = response.status();
            requireSuccess(response);
            passthrough.relay(res, response, exchange, prices(answer.candidate),
                    bill -> BILLING_COMMENT + billingJson(exchange), secrets);
        } catch (AnthropicPassthrough.PassthroughFailure failure) {
            throw new RequestFailure(failure.error);
        }
    }

    /**
     * The target that answered, the request as translated for it (null when forwarded as it is), its response, and
     * the key the call was made with (null without one).
     */
    private record Answer(Candidate candidate, ChatRequest chat, UpstreamResponse response, String key) {
    }

    /** One call's response and the key it was made with: the client's own when {@code forwarded}. */
    private record Posted(UpstreamResponse response, String key, boolean forwarded) {
        /** The client's key the call carried, or null when it carried the provider's (or none). */
        String forwardedKey() {
            return forwarded ? key : null;
        }
    }

    /**
     * Sends a stream's head and opens the client's event stream. A client that leaves (or stops reading for the
     * write-stall bound) cancels the upstream call.
     */
    private ClientStream openStream(ServerResponse res, Exchange exchange, ClientDepartures connection) {
        startEventStream(res, exchange);
        boolean watched = exchange.departure.watchStream(connection); // else the keeper's writes notice a departure
        return new ClientStream(json, res.outputStream(), pingInterval, livenessCheck,
                watched, timers, exchange.cancellation);
    }

    /**
     * Relays the upstream's event stream to the client's stream, opened for it or started early (then its
     * {@code message_start} went out already).
     */
    private void stream(ClientStream client, boolean startedEarly, UpstreamResponse response, ResponseContext context,
                        Exchange exchange, List<String> secrets) {
        try (client) {
            ChatStreamTranslator translator = translator(client, startedEarly, context, exchange, secrets);
            if (!startedEarly) {
                translator.start();
            }
            // What was translated goes out before each read from the upstream, which may wait (the keeper watches the
            // connection from the first), and the rest with the response's end: one write per upstream read, and an
            // answer that arrived in one read leaves in one write.
            response.beforeReading(() -> {
                client.flush();
                client.startKeeper();
            });
            boolean complete = relay.relay(response.body(), translator, client);
            // The client's answer ends first, and the upstream's last bytes are read aside: waiting for them, to keep
            // the upstream connection, is neither this answer's wait nor its connection's next request's (an upstream
            // that holds back its chunked terminator would hold both to the read timeout).
            client.close();
            if (complete) {
                response.finishReadingAside();
            }
            exchange.clientGone = client.clientGone() || exchange.cancellation.cancelled();
            exchange.generationId = translator.upstreamId();
        }
    }

    /**
     * How to ask the provider later what a stream that ended without its usage (the client left, the upstream broke
     * off) used and cost; null when the provider keeps no such record or the stream never named its generation.
     */
    private GenerationLookups.Lookup usageLookup(Answer answer, String generationId, ChatRequest chat,
                                                 boolean webSearch) {
        Provider provider = answer.candidate.provider();
        if (generationId == null || !provider.generationStats()) {
            return null;
        }
        String header = answer.key != null ? provider.authHeader() : null;
        return GenerationLookups.Lookup.of(provider.baseUrl(), generationId, header,
                header != null ? provider.authValue(answer.key) : null, chat.cacheTtls(), prices(answer.candidate),
                webSearch); // the web plugin searched, and its fee is in the recorded cost too
    }

    /** A streaming request answered by an upstream that does not stream: the whole answer as one stream. */
    private void streamWhole(ClientStream client, boolean startedEarly, JsonNode completion, ResponseContext context,
                             Exchange exchange, List<String> secrets) {
        try (client) {
            translator(client, startedEarly, context, exchange, secrets).onCompletion(completion);
            client.close(); // the whole stream in one write, with the response's end
            exchange.clientGone = client.clientGone();
        }
    }

    /** The stream machine writing to the client's stream; one started early has sent its {@code message_start}. */
    private ChatStreamTranslator translator(ClientStream client, boolean startedEarly, ResponseContext context,
                                            Exchange exchange, List<String> secrets) {
        ChatStreamTranslator translator = new ChatStreamTranslator(json, context, recording(client, exchange, secrets));
        if (startedEarly) {
            translator.startedEarly();
        }
        return translator;
    }

    private void respondWhole(ServerResponse res, JsonNode completion, ResponseContext context, Exchange exchange) {
        WholeMessage message;
        try {
            message = responseTranslator.translate(completion, context);
        } catch (UpstreamFailureException e) {
            // the usage the failed answer carried, if any, is billed already (AnswerBilling.failed), for its row
            throw new RequestFailure(e.error());
        }
        if (exchange.bill == null) { // the translator's own estimate: the upstream reported no usage, so no cost
            exchange.bill = UsageAccounting.unreported(
                    Usage.estimate(message.usage().inputTokens(), message.usage().outputTokens()));
        }
        exchange.status = 200;
        exchange.stopReason = message.stopReason();
        BillingHeaders.add(res, exchange.bill);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        if (!departures.sendWhole(res, message.toBytes(json))) {
            clientLeft(exchange); // it stopped reading (the write stalled) or left: it never had the answer
        }
    }

    /** The client left before any answer reached it; its upstream call was cancelled (nginx's 499 in the log). */
    private static void clientLeft(Exchange exchange) {
        exchange.clientGone = true;
        exchange.status = CLIENT_CLOSED_REQUEST;
    }

    private void startEventStream(ServerResponse res, Exchange exchange) {
        exchange.status = 200;
        res.header(EVENT_STREAM);
        res.header(NO_CACHE);
        res.header(NO_PROXY_BUFFERING);
    }

    /**
     * Passes events to the client, noting any error for the access log, and ends a complete stream with the bill
     * as an SSE comment after {@code message_stop}, in the same write.
     */
    private EventSink recording(ClientStream client, Exchange exchange, List<String> secrets) {
        // instanceof, not a pattern switch: a switch on types is bootstrapped (a class spun) at its first run, which
        // was a tenth of the first request's own CPU together with the record keys' (FirstRequestClasses).
        return event -> {
            if (event instanceof StreamEvent.MessageDelta delta) {
                exchange.stopReason = delta.stopReason();
                if (exchange.bill == null) {
                    exchange.bill = UsageAccounting.unreported(delta.usage());
                }
            } else if (event instanceof StreamEvent.Error error) {
                exchange.streamError = error.error().type().wireName();
                event = new StreamEvent.Error(SecretRedaction.redact(error.error(), secrets));
            }
            client.event(event);
            if (event instanceof StreamEvent.MessageStop && exchange.bill != null) {
                client.comment(BILLING_COMMENT, out -> writeBilling(out, exchange));
            }
        };
    }

    /** The bill with its request id, as one line of JSON, written without a tree (amounts in plain notation). */
    private String billingJson(Exchange exchange) {
        StringWriter text = new StringWriter(768);
        try (JsonGenerator out = json.getFactory().createGenerator(text)) {
            out.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
            writeBilling(out, exchange);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return text.toString();
    }

    private static void writeBilling(JsonGenerator out, Exchange exchange) throws IOException {
        out.writeStartObject();
        out.writeStringField("request_id", exchange.requestId);
        exchange.bill.writeFields(out);
        out.writeEndObject();
    }

    private RequestBodies.JsonBody parseBody(ServerRequest req, String requestId) throws RequestBodies.TimedOut {
        try {
            return bodies.readJsonObject(req, requestId);
        } catch (RequestBodies.TimedOut e) {
            throw e;
        } catch (RequestBodies.Rejected e) {
            throw new RequestFailure(e.error);
        }
    }

    private JsonNode parseUpstreamJson(UpstreamResponse response) {
        try {
            byte[] raw = response.readBody(MAX_UPSTREAM_BODY + 1); // a byte past the limit tells a cut answer
            if (raw.length == 0) {
                throw new IOException("the body is empty");
            }
            if (raw.length > MAX_UPSTREAM_BODY) {
                throw new RequestFailure(new AnthropicError(502, ErrorType.API,
                        "The upstream's answer is longer than " + MAX_UPSTREAM_BODY + " bytes.", null));
            }
            JsonNode node = json.readTree(raw);
            if (node == null || !node.isObject()) {
                throw new IOException("not a JSON object");
            }
            return node;
        } catch (RequestFailure failure) {
            throw failure;
        } catch (IOException | RuntimeException e) { // Jackson reports some malformed input unchecked
            if (UpstreamClient.isTimeout(e)) {
                throw new RequestFailure(AnthropicError.of(ErrorType.TIMEOUT,
                        "The upstream stopped sending its answer for longer than the read timeout."));
            }
            throw new RequestFailure(new AnthropicError(502, ErrorType.API,
                    "The upstream returned a response that could not be read as JSON: " + StreamRelay.rootCause(e), null));
        }
    }

    private static byte[] readQuietly(UpstreamResponse response, int limit) {
        try {
            return response.readBody(limit);
        } catch (IOException | UncheckedIOException e) {
            return new byte[0];
        }
    }

    /** An event stream, or a body without a content type (some local servers send none): read as SSE. */
    private static boolean isEventStream(UpstreamResponse response) {
        String type = response.header("content-type");
        return type == null || type.regionMatches(true, 0, "text/event-stream", 0, "text/event-stream".length());
    }

    private static boolean isJson(UpstreamResponse response) {
        String type = response.header("content-type");
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json");
    }

    /** A failure answered as an HTTP error (only possible before the stream started). */
    private static final class RequestFailure extends RuntimeException {
        private final AnthropicError error;

        RequestFailure(AnthropicError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }
}
