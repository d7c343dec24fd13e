package dev.ccrouter.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.billing.PricingCatalog;
import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.http.HttpServer;
import dev.ccrouter.http.Routing;
import dev.ccrouter.rehearsal.CannedUpstream;
import dev.ccrouter.rehearsal.ClaudeCodeBodies;
import dev.ccrouter.rehearsal.ClaudeCodeBodies.Words;
import dev.ccrouter.rehearsal.PlainClient;
import dev.ccrouter.route.Router;
import dev.ccrouter.upstream.UpstreamClient;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claude Code's first turns, which the gateway sends itself before it listens, so that a user's first request finds
 * its path compiled rather than run cold by the interpreter. The start has already loaded and initialised every class
 * that request needs (the ahead-of-time cache, {@link FirstRequestClasses}); what was left is the interpreter on the
 * 78 KB body's loops — parsing, translating, writing it upstream, the stream's translation — while C1 compiles them.
 * The same methods compiled once serve every later request, whatever its bytes (docs/benchmarks.md, "A rehearsal at
 * start").
 *
 * <p>The turns are sent from a client on 127.0.0.1 to a stage of its own — a server on an ephemeral loopback port with
 * only {@code /v1/messages}, answered by the same {@link MessagesHandler} code — and go to a canned upstream on
 * another: the stage shares code with the gateway and nothing else. No configured provider is called, no key is sent
 * anywhere, and the ledger, the metrics, the access log, the spending limits and the price catalog never hear of it.
 * Its bodies are made of {@linkplain Words#REHEARSAL words of their own}, so it is never a rehearsal of the very bytes
 * that come next. It runs beside the start's last tenth of a second, and the server listens once it is over
 * ({@link GatewayServer#startRehearsed()}): a request sent the moment the port opens finds the path compiled too,
 * rather than running beside the rehearsal, both interpreted (docs/benchmarks.md, "The rehearsal before listening").
 */
final class Rehearsal {
    private static final Logger LOG = LoggerFactory.getLogger(Rehearsal.class);
    /** Claude Code's first turn is ≈ 78 KB: its tool definitions and system prompt. */
    private static final int FIRST_TURN_BYTES = 78_000;
    /**
     * How often the turn is sent: the first runs interpreted while C1 compiles, the next two on what it compiled and
     * queue the rest (docs/benchmarks.md, "A rehearsal at start").
     */
    private static final int ROUNDS = 3;
    /** The stage's own: a gateway configured to refuse bodies as large as Claude Code's first still rehearses. */
    private static final long STAGE_BODY_LIMIT = 1 << 20;

    private Rehearsal() {
    }

    /**
     * What the rehearsal sends, each round: Claude Code's first streaming turn, and the small non-streaming Haiku call
     * it makes beside it (a title).
     */
    static List<byte[]> claudeCodeTurns(ObjectMapper json) throws IOException {
        return List.of(
                json.writeValueAsBytes(ClaudeCodeBodies.toolRoundTrip(Words.REHEARSAL, "claude-sonnet-4-5-20250929",
                        FIRST_TURN_BYTES, true)),
                json.writeValueAsBytes(ClaudeCodeBodies.small("claude-haiku-4-5-20251001", false)));
    }

    /**
     * Starts the rehearsal on a thread of its own.
     *
     * @param config the gateway's configuration; the stage keeps its models, output limits and stream settings and
     *               routes everything to the canned upstream
     * @param turns  the request bodies sent, in order, {@link #ROUNDS} times; made on the rehearsal's thread, so that
     *               writing the 78 KB body is not the caller's work (the start's main thread, which goes on
     *               building the gateway)
     * @return completes with how long the rehearsal took, or with its failure (which costs only the first request's
     * speed, and is logged as such)
     */
    static CompletableFuture<Duration> begin(GatewayConfig config, ObjectMapper json, ErrorResponses errors,
                                             PricingCatalog pricing, ScheduledExecutorService timers,
                                             Callable<List<byte[]>> turns) {
        CompletableFuture<Duration> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("ccrouter-rehearsal").start(() -> {
            long begun = System.nanoTime();
            try {
                run(config, json, errors, pricing, timers, turns.call());
                done.complete(Duration.ofNanos(System.nanoTime() - begun)); // said by the start, as it listens
            } catch (Exception e) {
                LOG.warn("the start's rehearsal failed, so the first request will be slower: {}", e.toString());
                done.completeExceptionally(e);
            }
        });
        return done;
    }

    private static void run(GatewayConfig config, ObjectMapper json, ErrorResponses errors, PricingCatalog pricing,
                            ScheduledExecutorService timers, List<byte[]> turns) throws IOException {
        HttpServer upstream = CannedUpstream.start();
        GatewayConfig stage = config
                .withUpstream(URI.create("http://127.0.0.1:" + upstream.port() + "/v1"))
                .withProviders(List.of())
                .withRoutes(RouteSettings.NONE)
                .withAuth(AuthSettings.OPEN);
        HttpServer server = null;
        try (UpstreamClient client = new UpstreamClient(stage)) {
            MessagesHandler messages = new MessagesHandler(json, new RequestBodies(STAGE_BODY_LIMIT), errors,
                    new Router(stage, new CatalogFacts(pricing)), client, stage.pingInterval(),
                    GatewayServer.LIVENESS_CHECK, AccessLog.silent(), new PriceBook(pricing, stage.prices()),
                    new ClientAuth(stage.auth()), new SpendingLimits(null, null, Clock.systemUTC()),
                    ClientDepartures.NONE, stage.earlyStart(), timers);
            server = HttpServer.builder().host("127.0.0.1").port(0)
                    .routing(Routing.builder().post("/v1/messages", messages::handle).build())
                    .build().start();
            try (PlainClient claudeCode = new PlainClient(server.port())) {
                for (int round = 0; round < ROUNDS; round++) {
                    for (byte[] turn : turns) {
                        claudeCode.exchange("POST", "/v1/messages", turn);
                    }
                }
            }
        } finally {
            if (server != null) {
                server.stop();
            }
            upstream.stop();
        }
    }
}
