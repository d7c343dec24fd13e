package dev.ccrouter.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.cli.Main;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.http.HttpServer;
import dev.ccrouter.rehearsal.CannedUpstream;
import dev.ccrouter.rehearsal.ClaudeCodeBodies;
import dev.ccrouter.rehearsal.PlainClient;
import dev.ccrouter.server.GatewayServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The training run of JDK 25's ahead-of-time cache (JEP 483/514/515): the launcher runs it once per build as
 * {@code java -XX:AOTCacheOutput=target/ccrouter.aot -cp ccrouter.jar dev.ccrouter.training.AotTraining}, and later
 * starts map the classes it loaded and linked (trained without method profiles: the launcher says why).
 * Everything this JVM loads goes into the cache, which every start maps resident: so the session is driven by a
 * plain-socket client ({@link PlainClient}) and the ledger is created by a gateway in a JVM of its own.
 *
 * <p>The workload is what a Claude Code session does, replayed against an in-process upstream on 127.0.0.1: the
 * gateway's start-up through {@code ccrouter serve} exactly as users run it and the rehearsal {@code serve} follows it
 * with, then per turn a token count, a small non-streaming Haiku call (Claude Code's title and topic requests) and two
 * streaming Sonnet turns, one with the 80 KB first request that carries the tool definitions, answered in turn with
 * text and with a tool call.
 */
public final class AotTraining {
    /**
     * Enough turns for the hot methods to be compiled (a few seconds on 2 cores; chosen when the cache also kept their
     * profiles, which it no longer does); the system property {@code ccrouter.training.turns} changes it, to measure
     * what the training's length does to a start.
     */
    private static final int TURNS = Integer.getInteger("ccrouter.training.turns", 200);
    /** The first fetch begins 10 s after "listening" at the latest (GatewayServer), and takes milliseconds here. */
    private static final Duration CATALOG_FETCH_PATIENCE = Duration.ofSeconds(30);
    /**
     * The rehearsal is over before the gateway listens unless it outlasted the start's patience; a training waits
     * for it a while longer, and one whose rehearsal failed or never ended fails.
     */
    private static final Duration REHEARSAL_PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        // What every start runs first, on its main thread (cli/BoundedHeap): the one class of ours a start loaded
        // from the jar, read and verified in ≈ 5 of the 16–24 ms its check took (docs/benchmarks.md, "Every
        // command's first 15 ms").
        Main.heapChosen();
        HttpServer upstream = CannedUpstream.start();
        Path dataDir = Files.createTempDirectory("ccrouter-aot-training");
        String upstreamUrl = "http://127.0.0.1:" + upstream.port() + "/v1";
        int status = 1;
        try {
            createLedger(dataDir, upstreamUrl);
            // The start-up path users run — the arguments (read without picocli, cli/ServeArguments), a
            // configuration file, the server's start — once: it answers its own /health and returns.
            Path configFile = writeConfigFile(dataDir, upstreamUrl);
            if (Main.execute("serve", "--port", "0", "--data-dir", dataDir.toString(), "--upstream", upstreamUrl,
                    "--config", configFile.toString(), "--exit-when-ready") != 0) {
                throw new IllegalStateException("the gateway did not start for the training run");
            }
            // Then the same gateway, kept running for the workload: it returns once it listens, its rehearsal over.
            GatewayConfig config = new ConfigLoader(System.getenv())
                    .load(new ConfigLoader.Flags(0, null, upstreamUrl, null, dataDir));
            try (GatewayServer gateway = new GatewayServer(config).startRehearsed()) { // as serve does
                gateway.rehearsal().get(REHEARSAL_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                try (PlainClient client = new PlainClient(gateway.port())) {
                    replay(client);
                }
                awaitCatalogFetch(gateway);
            }
            status = 0;
        } finally {
            upstream.stop();
            delete(dataDir);
            System.exit(status); // the JVM then writes the cache
        }
    }

    /**
     * Starts the gateway once in a JVM of its own on the training's data folder, which creates the ledger's schema
     * there: a database made by an earlier start is what every start but a user's first opens, and it loads no Flyway
     * (ledger/SchemaHistory). Migrated in this JVM, Flyway's ≈ 350 classes would go into the cache and be mapped,
     * resident, by every start that never uses them. With a collector chosen, that JVM does not start another
     * (cli/BoundedHeap); it writes no cache, its command line has none of this JVM's options.
     */
    private static void createLedger(Path dataDir, String upstreamUrl) throws IOException, InterruptedException {
        Process gateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--port", "0", "--data-dir", dataDir.toString(), "--upstream", upstreamUrl,
                "--exit-when-ready")
                .inheritIO().start();
        if (gateway.waitFor() != 0) {
            throw new IllegalStateException("the gateway did not create the training's ledger (exit status "
                    + gateway.exitValue() + ")");
        }
    }

    /**
     * A configuration file of the kind users write (providers from presets, routes, a fallback), every provider at the
     * training's upstream: a start that reads one — most do, once providers are configured — then finds YAML's
     * parser and the settings' binding in the cache, where ≈ 100 more classes were loaded from the jar and verified
     * before "listening" (docs/benchmarks.md, "A configuration file at start"). It is only read: the workload's
     * gateway below runs on the defaults, as before.
     */
    static Path writeConfigFile(Path dataDir, String upstreamUrl) throws IOException {
        return Files.writeString(dataDir.resolve("ccrouter.yaml"), """
                providers:
                  - name: deepseek
                    preset: deepseek
                    base_url: %1$s
                    api_keys: ["sk-training"]
                  - name: local
                    preset: ollama
                    base_url: %1$s
                routes:
                  default: deepseek,deepseek-chat
                  background: local,qwen3-coder
                  fallbacks:
                    deepseek,deepseek-chat: [local,qwen3-coder]
                """.formatted(upstreamUrl));
    }

    private static void replay(PlainClient client) throws IOException {
        byte[] firstTurn = bytes(ClaudeCodeBodies.toolRoundTrip("claude-sonnet-4-5-20250929", 80_000, true));
        byte[] laterTurn = bytes(ClaudeCodeBodies.toolRoundTrip("claude-sonnet-4-5-20250929", 10_000, true));
        byte[] countTokens = bytes(ClaudeCodeBodies.toolRoundTrip("claude-sonnet-4-5-20250929", 10_000, false));
        byte[] title = bytes(ClaudeCodeBodies.small("claude-haiku-4-5-20251001", false));
        for (int turn = 0; turn < TURNS; turn++) {
            client.exchange("POST", "/v1/messages/count_tokens", countTokens);
            client.exchange("POST", "/v1/messages", title);
            client.exchange("POST", "/v1/messages", firstTurn);
            client.exchange("POST", "/v1/messages", laterTurn);
        }
        client.exchange("GET", "/v1/models", new byte[0]);
    }

    /**
     * Waits for the price catalog's first fetch, which begins 1 s after the first request: what it loads (the JDK's
     * HTTP client, the catalog's reading and saving, ≈ 300 classes) was in the caches of trainings that outlasted that
     * second and not in the others', which left a gateway ≈ 6 MB more resident once its own fetch had run. A fetch
     * that does not end in time leaves the cache without them, as before.
     */
    private static void awaitCatalogFetch(GatewayServer gateway) throws InterruptedException {
        try {
            gateway.pricesFirstFetched().get(CATALOG_FETCH_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // see above
        }
    }

    private static byte[] bytes(ObjectNode body) throws IOException {
        return JSON.writeValueAsBytes(body);
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
