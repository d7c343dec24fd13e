package dev.ccrouter.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.cli.Main;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.server.GatewayServer;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run of JDK 25's ahead-of-time cache (JEP 483/514/515): the launcher runs it once per build as
 * {@code java -XX:AOTCacheOutput=target/ccrouter.aot -cp ccrouter.jar dev.ccrouter.training.AotTraining}, and later
 * starts map the classes it loaded and linked and begin with its method profiles, so the first requests of a fresh
 * gateway run compiled code sooner.
 *
 * <p>The workload is what a Claude Code session does, replayed against an in-process upstream on 127.0.0.1: the
 * gateway's start-up through {@code ccrouter serve} exactly as users run it, then per turn a token count, a small
 * non-streaming Haiku call (Claude Code's title and topic requests) and two streaming Sonnet turns, one with the 80 KB
 * first request that carries the tool definitions, answered in turn with text and with a tool call.
 */
public final class AotTraining {
    /**
     * Enough turns for the hot methods to be profiled and compiled (a few seconds on 2 cores); the system property
     * {@code ccrouter.training.turns} changes it, to measure what the training's length does to a start.
     */
    private static final int TURNS = Integer.getInteger("ccrouter.training.turns", 200);
    private static final ObjectMapper JSON = new ObjectMapper();

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        WebServer upstream = TrainingUpstream.start();
        Path dataDir = Files.createTempDirectory("ccrouter-aot-training");
        String upstreamUrl = "http://127.0.0.1:" + upstream.port() + "/v1";
        int status = 1;
        try {
            // The start-up path users run — the arguments (read without picocli, cli/ServeArguments), the
            // configuration, the server's start — once: it answers its own /health and returns.
            if (Main.execute("serve", "--port", "0", "--data-dir", dataDir.toString(), "--upstream", upstreamUrl,
                    "--exit-when-ready") != 0) {
                throw new IllegalStateException("the gateway did not start for the training run");
            }
            // Then the same gateway, kept running for the workload: start() returns once it listens.
            GatewayConfig config = new ConfigLoader(System.getenv())
                    .load(new ConfigLoader.Flags(0, null, upstreamUrl, null, dataDir));
            try (GatewayServer gateway = new GatewayServer(config).start()) {
                replay(WebClient.builder().baseUri("http://127.0.0.1:" + gateway.port()).build());
            }
            status = 0;
        } finally {
            upstream.stop();
            delete(dataDir);
            System.exit(status); // the JVM then writes the cache
        }
    }

    private static void replay(WebClient client) throws IOException {
        byte[] firstTurn = bytes(ClaudeCodeBodies.toolRoundTrip("claude-sonnet-4-5-20250929", 80_000, true));
        byte[] laterTurn = bytes(ClaudeCodeBodies.toolRoundTrip("claude-sonnet-4-5-20250929", 10_000, true));
        byte[] countTokens = bytes(ClaudeCodeBodies.toolRoundTrip("claude-sonnet-4-5-20250929", 10_000, false));
        byte[] title = bytes(ClaudeCodeBodies.small("claude-haiku-4-5-20251001", false));
        for (int turn = 0; turn < TURNS; turn++) {
            post(client, "/v1/messages/count_tokens", countTokens);
            post(client, "/v1/messages", title);
            post(client, "/v1/messages", firstTurn);
            post(client, "/v1/messages", laterTurn);
        }
        get(client, "/v1/models");
    }

    private static void post(WebClient client, String path, byte[] body) throws IOException {
        try (HttpClientResponse response = client.post(path)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.create("x-api-key"), "sk-training")
                .header(HeaderNames.create("anthropic-version"), "2023-06-01")
                .submit(body)) {
            check(response, path);
            response.inputStream().transferTo(OutputStream.nullOutputStream());
        }
    }

    private static void get(WebClient client, String path) {
        try (HttpClientResponse response = client.get(path).request()) {
            check(response, path);
        }
    }

    private static void check(HttpClientResponse response, String path) {
        if (response.status().code() != 200) {
            throw new IllegalStateException("training request " + path + " answered " + response.status()
                    + ": " + response.as(String.class));
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
