package dev.ccrouter.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.server.GatewayServer;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * The warm-up request a started gateway sends itself ({@link GatewayServer#warmUp}): Claude Code's 78 KB streaming
 * first turn, answered by an in-process upstream on 127.0.0.1 ({@link TrainingUpstream}), so that the first request
 * of a real client finds its path initialised and its hot methods compiling instead of running all of it for the
 * first time (docs/benchmarks.md, "Start and first request").
 */
public final class WarmUp {
    private WarmUp() {
    }

    /** Sends the warm-up request through the server and returns the status it was answered with. */
    public static int run(GatewayServer server) {
        WebServer upstream = TrainingUpstream.start();
        try {
            return server.warmUp(URI.create("http://127.0.0.1:" + upstream.port() + "/v1"), firstTurn());
        } finally {
            upstream.stop();
        }
    }

    private static byte[] firstTurn() {
        try {
            return new ObjectMapper().writeValueAsBytes(
                    ClaudeCodeBodies.toolRoundTrip("claude-sonnet-4-5-20250929", 80_000, true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
