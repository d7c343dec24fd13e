package dev.ccrouter.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.billing.PricingCatalog;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.route.Router;
import dev.ccrouter.upstream.UpstreamClient;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gateway's HTTP face: routes, the listening socket, and its lifecycle. The only place that knows HTTP. */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    /** How often a quiet stream probes its client, so a client that left cancels the upstream within a second. */
    static final Duration LIVENESS_CHECK = Duration.ofMillis(250);

    private final GatewayConfig config;
    private final ObjectMapper json = new ObjectMapper();
    private WebServer server;
    private PricingCatalog pricing;

    public GatewayServer(GatewayConfig config) {
        this.config = config;
    }

    public GatewayServer start() {
        ErrorResponses errors = new ErrorResponses(json);
        RequestBodies bodies = new RequestBodies(config.maxBodyBytes());
        UpstreamClient upstream = new UpstreamClient(config);
        // Reads local files only; the catalog is fetched in the background once the server is up.
        pricing = new PricingCatalog(URI.create(config.upstreamBaseUrl() + "/models"), config.dataDir(),
                config.pricingRefresh());
        Router router = new Router(config, new CatalogFacts(pricing));
        MessagesHandler messages = new MessagesHandler(json, bodies, errors, router, upstream,
                config.pingInterval(), LIVENESS_CHECK, new AccessLog(), pricing);
        CountTokensHandler countTokens = new CountTokensHandler(json, bodies, errors);
        ModelsHandler models = new ModelsHandler(json, errors, config.models());
        WebPages pages = WebPages.load(config);

        HttpRouting.Builder routing = HttpRouting.builder()
                .post("/v1/messages", messages)
                .post("/v1/messages/count_tokens", countTokens)
                .get("/v1/models", models::list)
                .get("/v1/models/{+id}", models::one)
                .get("/health", (req, res) -> sendJson(res, "{\"status\":\"ok\"}"))
                .get("/install.sh", new InstallScriptHandler(InstallScript.load(), config))
                .head("/", (req, res) -> res.send())
                .get("/", pages::landing)
                .get("/terms", pages::terms)
                .get("/privacy", pages::privacy)
                .any((req, res) -> errors.send(res, AnthropicError.of(ErrorType.NOT_FOUND,
                        "Not found: " + req.prologue().method().text() + " " + req.path().path()), Ids.next("req_")))
                .error(Exception.class, (req, res, e) -> internalError(req, res, e, errors));

        server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .maxPayloadSize(-1)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .routing(routing)
                .build()
                .start();
        if (!server.isRunning()) { // Helidon logs a failed bind and returns instead of throwing
            throw new IllegalStateException("cannot listen there (address in use, or not this machine's)");
        }
        LOG.info("ccrouter listening on http://{}:{} → upstream {}", config.host(), server.port(), config.upstreamBaseUrl());
        pricing.startRefreshing();
        return this;
    }

    /** The bound port (useful when configured as 0). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
        if (pricing != null) {
            pricing.close();
        }
    }

    private static void sendJson(ServerResponse res, String body) {
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }

    /** Whatever went wrong inside, the client gets the Anthropic envelope, never a stack trace. */
    private static void internalError(ServerRequest req, ServerResponse res, Exception e, ErrorResponses errors) {
        String requestId = Ids.next("req_");
        LOG.error("{} {} {} failed: {}", requestId, req.prologue().method().text(), req.path().path(), e.toString());
        if (res.isSent()) {
            return;
        }
        errors.send(res, AnthropicError.of(ErrorType.API, "Internal gateway error (request " + requestId + ")."),
                requestId);
    }
}
