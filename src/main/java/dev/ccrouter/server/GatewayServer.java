package dev.ccrouter.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.api.anthropic.JsonBuffers;
import dev.ccrouter.billing.GenerationLookups;
import dev.ccrouter.billing.PricingCatalog;
import dev.ccrouter.config.BaseUrls;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.config.Secrets;
import dev.ccrouter.http.Crowd;
import dev.ccrouter.http.HttpServer;
import dev.ccrouter.http.Routing;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.http.ServerResponse;
import dev.ccrouter.ledger.Ledger;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.ledger.LedgerUnavailableException;
import dev.ccrouter.route.ModelRef;
import dev.ccrouter.route.Provider;
import dev.ccrouter.route.Router;
import dev.ccrouter.upstream.UpstreamClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.UnresolvedAddressException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's HTTP face: routes, the listening socket, and its lifecycle. The only place that knows HTTP. */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    /** How often a quiet stream probes its client, so a client that left cancels the upstream within a second. */
    static final Duration LIVENESS_CHECK = Duration.ofMillis(250);
    /**
     * The price catalog's first fetch waits for the first request to end, and this long after it: the first request
     * of a fresh gateway, still interpreted, has both cores to itself, and the fetch does not meet its last writes.
     */
    static final Duration FIRST_FETCH_AFTER_FIRST_REQUEST = Duration.ofSeconds(1);
    /** When no request comes, the first fetch begins this long after "listening". */
    static final Duration FIRST_FETCH_AT_THE_LATEST = Duration.ofSeconds(10);
    /**
     * How long after its beginning a start waits for its rehearsal (≈ 0.1 s on 2 cores, beside the rest of the start),
     * before listening and, when the start fails, before closing what the rehearsal uses: the two waits together.
     */
    static final Duration REHEARSAL_PATIENCE = Duration.ofSeconds(5);

    private final GatewayConfig config;
    private final LedgerSettings ledgerSettings;
    private final ObjectMapper json = JsonBuffers.mapper();
    private HttpServer server;
    private PricingCatalog pricing;
    private UpstreamClient upstream;
    private Ledger ledger;
    private GatewayMetrics metrics;
    private SpendingLimits limits;
    private GenerationLookups lookups;
    private EdgeGuard edge;
    private volatile Runnable onListenerLost = () -> { };
    private GatewayStatus status;
    private WebPages pages;
    private InstallScriptHandler installScript;
    private Shared shared;
    private RequestFacts.Current requestFacts;
    /** What {@link #startRehearsed()} rehearses before the server listens; none for {@link #start()}. */
    private Callable<List<byte[]>> rehearsalTurns;
    /** The start's rehearsal, when it had one. */
    private CompletableFuture<Duration> rehearsal;
    /** When the start stops waiting for its rehearsal ({@link System#nanoTime}). */
    private long rehearsalDeadline;
    private final AtomicReference<Handlers> handlers = new AtomicReference<>();
    /** Per-request timers (streams started early); its one thread starts with the first timer. */
    private final ScheduledThreadPoolExecutor timers = timers();

    /** A gateway keeping its ledger in {@code <data_dir>/ledger.db}. */
    public GatewayServer(GatewayConfig config) {
        this(config, LedgerSettings.defaults(config.dataDir()));
    }

    public GatewayServer(GatewayConfig config, LedgerSettings ledger) {
        this.config = config;
        this.ledgerSettings = ledger;
    }

    /**
     * Starts as {@link #start()} does, but opens the port only once Claude Code's first turns have been rehearsed
     * ({@link Rehearsal}) and the start's survivors collected, so that the first request, even one sent the moment
     * "listening" is printed, finds its path compiled and no collection due. The rehearsal runs beside the ledger's
     * opening and the start's other threads; a failed one is logged, and the gateway listens all the same, as it does
     * when the rehearsal is still going {@link #REHEARSAL_PATIENCE} after it began (it then ends beside the first
     * requests). {@code serve} starts this way.
     *
     * @throws LedgerUnavailableException when the ledger's database cannot be reached (before listening)
     */
    public GatewayServer startRehearsed() {
        return startRehearsed(() -> Rehearsal.claudeCodeTurns(json));
    }

    /** The same with other request bodies. */
    GatewayServer startRehearsed(Callable<List<byte[]>> turns) {
        rehearsalTurns = turns;
        return start();
    }

    /**
     * @throws LedgerUnavailableException when the ledger's database cannot be reached (before listening)
     */
    public GatewayServer start() {
        // The database opens beside the rest of the start; the server waits for it before listening.
        ledger = ledgerSettings.enabled() ? Ledger.opening(ledgerSettings) : null;
        try {
            return listen();
        } catch (RuntimeException | Error e) {
            // A refused configuration, a database that cannot be opened, an address in use: release what was built,
            // the ledger's database once its opening has ended, so nothing is left writing in the data directory;
            // after the rehearsal, which uses some of it.
            if (rehearsal != null) {
                rehearsalOver();
            }
            close();
            throw e;
        }
    }

    private GatewayServer listen() {
        ErrorResponses errors = new ErrorResponses(json);
        DescriptorBudget budget = DescriptorBudget.of(config.edge().maxConnections());
        // The exchanges in progress: whether a thread about to wait for bytes lets the others run first, and whether
        // the gateway is quiet.
        Crowd crowd = new Crowd();
        edge = new EdgeGuard(config.edge(), budget.admitted(), crowd);
        RequestBodies bodies = new RequestBodies(config.maxBodyBytes(), edge);
        upstream = new UpstreamClient(config, crowd::makeWay);
        upstream.closeStaleConnectionsOn(edge.watchdog()); // closed when stale even if no request comes
        // Reads local files only; the catalog is fetched in the background once the server is up.
        pricing = new PricingCatalog(BaseUrls.under(config.upstreamBaseUrl(), "/models"), config.dataDir(),
                config.pricingRefresh());
        requestFacts = new RequestFacts.Current();
        // The metrics registry and its JVM meters are built beside the rest of the start (a twentieth of its main
        // thread); the recorders and /metrics below reach them through the field, set before the server listens.
        CompletableFuture<GatewayMetrics> metricsBuilt = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("ccrouter-metrics-init").start(() -> {
            try {
                metricsBuilt.complete(new GatewayMetrics(requestFacts::openStreams,
                        ledger == null ? null : ledger.writer()));
            } catch (RuntimeException | Error e) {
                metricsBuilt.completeExceptionally(e);
            }
        });
        limits = new SpendingLimits(ledger == null ? null : ledger.store(), ledger == null ? null : ledger.settings(),
                Clock.systemUTC());
        Consumer<LedgerEntry> countMetrics = entry -> metrics.record(entry);
        // The limits count a request before its row is queued: once a row is in the ledger, its spend counts here.
        List<Consumer<LedgerEntry>> recorders = ledger == null ? List.of(limits::record, countMetrics)
                : List.of(limits::record, ledger::record, countMetrics);
        lookups = new GenerationLookups(timers, GenerationLookups.WAITS, GenerationLookups.MAX_PENDING);
        AccessLog accessLog = new AccessLog(List.of(
                new LedgerEntries(requestFacts, recorders, lookups), exchange -> pricing.requestEnded()));
        shared = new Shared(bodies, errors, accessLog);
        handlers.set(handlers(config, null));
        // Everything the rehearsal's stage shares with the gateway is built: it goes on beside the rest of the start.
        rehearsal = rehearsalTurns == null ? null : rehearse(rehearsalTurns);
        pages = new WebPages(config);
        installScript = new InstallScriptHandler(config);
        status = new GatewayStatus(json, config);

        Routing.Builder routing = Routing.builder()
                .addFilter(edge.filter(errors))
                .addFilter(new BrowserGuard(config, errors))
                .addFilter(status)
                .post("/v1/messages", requestFacts.around((req, res) -> handlers.get().messages().handle(req, res)))
                .post("/v1/messages/count_tokens", (req, res) -> handlers.get().countTokens().handle(req, res))
                .get("/v1/models", (req, res) -> handlers.get().models().list(req, res))
                .get("/v1/models/{+id}", (req, res) -> handlers.get().models().one(req, res))
                .get("/health", status::health)
                .get("/metrics", LoopbackOnly.guard((req, res) -> metrics.scrape(req, res), errors, this::adminKeys))
                .post("/statusline", LoopbackOnly.guard(new StatuslineHandler(ledger)::handle, errors, this::adminKeys))
                .get("/install.sh", installScript)
                .get("/", pages::landing)
                .get("/terms", pages::terms)
                .get("/privacy", pages::privacy);
        if (ledger != null) {
            DashboardHandler dashboard = new DashboardHandler(ledger.store(), errors, json);
            routing.get("/dashboard", LoopbackOnly.guard(dashboard::asset, errors, this::adminKeys))
                    .get("/dashboard/data", LoopbackOnly.guard(dashboard::data, errors, this::adminKeys))
                    .get("/dashboard/{file}", LoopbackOnly.guard(dashboard::asset, errors, this::adminKeys));
        }
        routing.any((req, res) -> errors.send(res, AnthropicError.of(ErrorType.NOT_FOUND,
                        "Not found: " + req.method() + " "
                                + SecretRedaction.path(req.path(), ClientCredentials.apiKey(req.headers()))),
                        Ids.next("req_")))
                .error((req, res, e) -> internalError(req, res, e, errors))
                .rejections((status, message, res) -> errors.send(res, refusal(status, message), Ids.next("req_")));

        HttpServer built = HttpServer.builder()
                .host(config.host())
                .port(config.port())
                .routing(routing.build())
                .gate(edge)
                .crowd(crowd)
                .maxConnections(budget.accepted())
                // On stop the listening socket closes at once, then running requests get this long to finish.
                .shutdownGrace(config.shutdownGrace())
                .build();
        built.onListenerLost(() -> onListenerLost.run());
        metrics = built(metricsBuilt);
        // The classes the first request needs are initialised on a thread of their own from here, while this one
        // waits for the ledger's database (the start's longest wait): earlier, they held up classes this thread
        // needed; later, they would be the first request's own work.
        Thread.ofPlatform().daemon().name("ccrouter-first-request").start(FirstRequestClasses::prepare);
        awaitLedger();
        limits.start();
        boolean rehearsed = rehearsal == null || rehearsalOver();
        try {
            server = built.start();
        } catch (UncheckedIOException e) { // `serve` says so in one line, beside the address
            throw new IllegalStateException("cannot listen there: " + whyNot(e.getCause()));
        } catch (UnresolvedAddressException e) {
            throw new IllegalStateException("server.host is neither an address nor a name this machine resolves");
        }
        if (rehearsal != null) {
            sayHowTheRehearsalWent(rehearsed);
        }
        // the file named as the user gave it (CCROUTER_CONFIG, --config), so that it is plain which one was read
        LOG.info("ccrouter listening on http://{} → {}{}", config.listenAddress(server.port()), whereRequestsGo(),
                config.file() == null ? "" : " (config file " + config.file() + ")");
        upstream.prepareTls(handlers.get().router().providers().values().stream().map(Provider::endpoint).toList());
        pricing.startRefreshing(FIRST_FETCH_AFTER_FIRST_REQUEST, FIRST_FETCH_AT_THE_LATEST);
        return this;
    }

    /**
     * The rehearsal {@link #startRehearsed()} waited for: how long it took, or why it failed.
     *
     * @throws IllegalStateException when the gateway was started without one
     */
    public CompletableFuture<Duration> rehearsal() {
        if (rehearsal == null) {
            throw new IllegalStateException("started without a rehearsal");
        }
        return rehearsal;
    }

    /**
     * Sends the turns through the gateway's request path, on a stage that shares only its code ({@link Rehearsal}), so
     * that the first real request does not run it cold, then collects what the start left
     * ({@link EdgeGuard#startOver}).
     *
     * @return completes, once the collection has run, with how long the rehearsal took, or with why it failed
     */
    private CompletableFuture<Duration> rehearse(Callable<List<byte[]>> turns) {
        rehearsalDeadline = System.nanoTime() + REHEARSAL_PATIENCE.toNanos();
        return Rehearsal.begin(config, json, shared.errors(), pricing, timers, turns)
                .whenComplete((took, failure) -> awaitQuietly(edge.startOver()));
    }

    /**
     * Says how the rehearsal went, once the port is open: a start that fails says only why. A rehearsal that outlasted
     * the start's patience says so, and again when it ends.
     */
    private void sayHowTheRehearsalWent(boolean over) {
        if (!over) {
            LOG.warn("the start's rehearsal is taking over {} s: listening without waiting for its end",
                    REHEARSAL_PATIENCE.toSeconds());
            rehearsal.thenAccept(took -> LOG.info("warmed up: rehearsed Claude Code's first turns on a stage of its own"
                    + " in {} ms, after listening", took.toMillis()));
        } else if (!rehearsal.isCompletedExceptionally()) {
            LOG.info("warmed up: rehearsed Claude Code's first turns on a stage of its own in {} ms",
                    rehearsal.join().toMillis());
        }
    }

    /**
     * Waits for the rehearsal, until {@link #REHEARSAL_PATIENCE} after its beginning: false when it is still going (on
     * a machine far slower than any measured; it then finishes beside the first requests). One that failed was logged
     * by {@link Rehearsal} and costs only speed.
     */
    private boolean rehearsalOver() {
        try {
            rehearsal.get(Math.max(0, rehearsalDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            // said by the rehearsal
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /**
     * The start's collection, awaited on the rehearsal's thread: the rehearsal is over once it has run, or once the
     * gateway closed before it could.
     */
    private static void awaitQuietly(Future<?> collection) {
        try {
            collection.get();
        } catch (CancellationException e) {
            // the gateway closed first: nothing left to collect for
        } catch (ExecutionException e) {
            LOG.warn("the start's collection failed: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The price catalog's first fetch ({@link PricingCatalog#firstFetch}); the start-up cache's training waits for it. */
    public CompletableFuture<Boolean> pricesFirstFetched() {
        return pricing.firstFetch();
    }

    /** What a thread of the start built, or its failure thrown here as it would have been on this thread. */
    private static <T> T built(CompletableFuture<T> building) {
        try {
            return building.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Waits for the ledger's database; when it cannot be opened, says why (and {@link #start()} releases the rest). */
    private void awaitLedger() {
        if (ledger == null) {
            return;
        }
        try {
            ledger.awaitOpen();
        } catch (LedgerUnavailableException e) {
            ledger = null; // closed by awaitOpen
            throw e;
        }
    }

    /**
     * What to do if the listening socket stops while the server was not asked to close: {@code serve} exits non-zero
     * so that a supervisor restarts it, instead of living on without a listener.
     */
    public void onListenerLost(Runnable action) {
        this.onListenerLost = action;
    }

    /**
     * Applies a changed configuration's routing — providers, routes, models, output limits, gateway keys, the ping
     * interval — to the requests that arrive from now on; requests in flight finish with the handlers they started
     * with. What the router learned of the providers left unchanged (resting keys, cooling targets, refused fields)
     * carries over ({@link Router#carryOver}). Settings of the listening socket, the ledger, the data directory, the
     * upstream client's timeouts, the upstream's address and the price catalog take a restart, and a line says which
     * of them changed; until then the gateway goes on with the ones it started with (the built-in provider's address
     * among them).
     *
     * @throws dev.ccrouter.config.ConfigException when the new providers cannot be built (the old ones stay)
     */
    public void reconfigure(GatewayConfig next) {
        GatewayConfig applied = next.withUpstream(config.upstreamBaseUrl());
        handlers.set(handlers(applied, handlers.get().router()));
        status.reconfigure(applied);
        // the pages' operator and upstream take a restart; the model mapping and the keys users need do not
        pages.reconfigure(config.withModels(applied.models()).withAuth(applied.auth()));
        installScript.reconfigure(applied);
        List<String> needRestart = RestartOnlySettings.changed(config, next);
        LOG.info("configuration reloaded: routes, providers, models and keys apply to new requests{}",
                needRestart.isEmpty() ? "" : "; a restart applies " + String.join(", ", needRestart));
    }

    /** What answers the API for one configuration; swapped whole on a reload. */
    private record Handlers(MessagesHandler messages, CountTokensHandler countTokens, ModelsHandler models,
                            KeyDigests adminKeys, Router router) {
    }

    /**
     * Where a request goes unless a route of its own takes it, as the start line says it: the default route and its
     * provider's address when one is set, else the family mapping's upstream ({@code OPENROUTER_BASE_URL}). An address
     * is shown without a password or a query, as every log shows it.
     */
    private String whereRequestsGo() {
        String defaultRoute = config.routes().defaultRoute();
        ModelRef target = defaultRoute == null ? null : ModelRef.parse(defaultRoute);
        Provider provider = target == null ? null : handlers.get().router().providers().get(target.provider());
        return provider == null ? "upstream " + config.upstreamDisplay()
                : "default route " + defaultRoute + " at " + Secrets.maskAddress(provider.baseUrl().toString());
    }

    /** The providers the routes in effect send the client's key to ({@link Router#clientKeyTakers}). */
    public Set<String> clientKeyTakers() {
        return handlers.get().router().clientKeyTakers();
    }

    /** The configuration's {@code auth.admin_keys}, as reloaded. */
    private KeyDigests adminKeys() {
        return handlers.get().adminKeys();
    }

    /** What every configuration's handlers share: the body reader, the error writer, the access log. */
    private record Shared(RequestBodies bodies, ErrorResponses errors, AccessLog accessLog) {
    }

    /**
     * @param previous the router of the configuration being replaced, whose resting keys and cooling targets carry
     *                 over where their providers did not change; null at start
     */
    private Handlers handlers(GatewayConfig settings, Router previous) {
        Router router = new Router(settings, new CatalogFacts(pricing));
        if (previous != null) {
            router.carryOver(previous);
        }
        ClientAuth auth = new ClientAuth(settings.auth());
        limits.configure(settings.auth());
        requestFacts.configure(settings.auth());
        return new Handlers(
                new MessagesHandler(json, shared.bodies(), shared.errors(), router, upstream, settings.pingInterval(),
                        LIVENESS_CHECK, shared.accessLog(), new PriceBook(pricing, settings.prices()), auth,
                        limits, edge, settings.earlyStart(), timers),
                new CountTokensHandler(json, shared.bodies(), shared.errors(), auth, router),
                new ModelsHandler(json, shared.errors(), settings.models(), router, auth),
                new KeyDigests(settings.auth().adminKeys()), router);
    }

    /** Client connections open now. */
    int openConnections() {
        return server.openConnections();
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return server.port();
    }

    /** This build's version, from the jar's manifest; {@code dev} when run from classes. */
    public static String version() {
        String version = GatewayServer.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /**
     * Stops accepting connections, lets the requests in flight (streams included) finish for up to the configured
     * grace period, cuts off the rest, logs one line saying how it went, then writes the ledger's last rows.
     */
    @Override
    public void close() {
        if (server != null) {
            long begun = System.nanoTime();
            int running = status.inFlight();
            // Returns once the requests cut off have ended too: their rows are recorded before the ledger closes.
            int cutOff = server.stop();
            LOG.info("ccrouter stopped in {} ms: {} of {} requests in flight finished, {} cut off after the {} s grace "
                    + "period", (System.nanoTime() - begun) / 1_000_000, Math.max(0, running - cutOff), running, cutOff,
                    config.shutdownGrace().toSeconds());
            server = null;
        }
        if (lookups != null) { // the rows still waiting for their usage are written now, as their streams ended
            lookups.close();
        }
        if (pricing != null) {
            pricing.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (limits != null) {
            limits.close();
        }
        if (ledger != null) {
            ledger.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        if (edge != null) {
            edge.close();
        }
        timers.shutdownNow();
    }

    private static ScheduledThreadPoolExecutor timers() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("ccrouter-timers").factory());
        timers.setRemoveOnCancelPolicy(true); // a timer cancelled is gone at once, not kept until it would have run
        return timers;
    }

    /** Why an address cannot be listened on, in the words a user acts on (the kernel's, as the JDK passes them on). */
    static String whyNot(IOException bind) {
        String said = String.valueOf(bind.getMessage());
        if (said.contains("Address already in use")) {
            return "the port is in use";
        }
        if (said.contains("Cannot assign requested address")) {
            return "the address is not this machine's";
        }
        if (said.contains("Permission denied")) {
            return "permission denied (ports below 1024 need privileges)";
        }
        return "address in use, or not this machine's (" + said + ")";
    }

    /** Whatever went wrong inside, the client gets the Anthropic envelope, never a stack trace. */
    private static void internalError(ServerRequest req, ServerResponse res, Exception e, ErrorResponses errors) {
        String requestId = Ids.next("req_");
        LOG.error("{} {}", requestId, failure(req.method(), req.path(), ClientCredentials.apiKey(req.headers()), e));
        if (res.isSent()) {
            return;
        }
        errors.send(res, AnthropicError.of(ErrorType.API, "Internal gateway error (request " + requestId + ")."),
                requestId);
    }

    /**
     * An internal failure as logged: the path and the exception's message may quote the client's key (pasted into a
     * URL, or into a field an exception's message echoes), so both are shown without it, nor anything shaped like one.
     */
    static String failure(String method, String path, String clientKey, Exception e) {
        String what = SecretRedaction.keyShaped(SecretRedaction.withoutKey(e.toString(), clientKey));
        return method + " " + SecretRedaction.path(path, clientKey) + " failed: " + what;
    }

    /**
     * The Anthropic error for a request the server refused before routing: a target, head or body too large is
     * {@code request_too_large}, the rest is the client's malformed request.
     */
    private static AnthropicError refusal(int status, String message) {
        ErrorType type = status == 413 || status == 414 || status == 431 ? ErrorType.REQUEST_TOO_LARGE
                : ErrorType.INVALID_REQUEST;
        return new AnthropicError(status, type, message, null);
    }
}
