package dev.ccrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.testing.ClaudeCli;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.ScriptedModel;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real Claude Code through a two-provider configuration: {@code routes.default} sends the main loop to one
 * provider, {@code routes.background} the haiku-family calls to another, each a scripted model of its own.
 *
 * <p>Claude Code 2.1.332 makes no background call of its own in a {@code -p} run (2.1.197 asked the haiku model for
 * a session title), so the main loop here delegates: its Agent tool starts a subagent on {@code model: "haiku"},
 * which Claude Code sends as {@code ANTHROPIC_DEFAULT_HAIKU_MODEL} with the subagent's own tools, and the gateway
 * routes it apart.
 */
class TwoProviderEndToEndTest {
    static ScriptedModel main;
    static ScriptedModel small;
    static RunningGateway gateway;
    static String claude;

    @TempDir
    static Path home;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        claude = ClaudeCli.require();
        main = ScriptedModel.start(0);
        small = ScriptedModel.start(0);
        gateway = RunningGateway.start(main.baseUrl(), config -> config
                .withProviders(List.of(
                        new ProviderSettings("main", "openai-compatible", URI.create(main.baseUrl()),
                                List.of("sk-main-provider"), null, Map.of()),
                        new ProviderSettings("small", "openai-compatible", URI.create(small.baseUrl()),
                                List.of(), null, Map.of())))
                .withRoutes(new RouteSettings("main,main-coder", "small,small-helper", null, null, 60_000, null,
                        null, Map.of())));
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            main.close();
            small.close();
        }
    }

    @Test
    void theMainLoopGoesToOneProviderAndTheHaikuCallsToTheOther() throws Exception {
        JsonNode result = ClaudeCli.print(claude, home, work, gateway.baseUrl(), "Please delegate a greeting",
                "sonnet", Map.of("ANTHROPIC_DEFAULT_HAIKU_MODEL", "claude-haiku-4-5-20251001"));

        assertThat(result.path("result").asText()).startsWith("Tool results:")
                .as("the subagent's answer came back to the main loop").contains("Hello from the scripted model.");
        // The main loop: the prompt, then the subagent's report as the Agent call's result, both with the tools.
        assertThat(main.requests()).hasSize(2);
        assertThat(main.requests()).allSatisfy(request -> {
            assertThat(request.path("model").asText()).isEqualTo("main-coder");
            assertThat(request.path("tools").findValuesAsText("name")).contains("Agent", "Bash", "Read");
        });
        assertThat(main.requests().getLast().path("messages").findValuesAsText("tool_call_id")).containsExactly("call_a1");
        // The subagent: asked of the haiku model, on the background route, with its prompt and tools of its own.
        assertThat(small.requests()).hasSize(1);
        JsonNode subagent = small.requests().getFirst();
        assertThat(subagent.path("model").asText()).isEqualTo("small-helper");
        assertThat(subagent.path("tools").findValuesAsText("name")).contains("Bash", "Read");
        assertThat(subagent.path("messages").toString()).contains("Say hi");
    }
}
