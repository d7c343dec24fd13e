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
 * <p>Behind a gateway, Claude Code 2.1.197 sends its background work (here: the session title it generates for
 * every {@code -p} prompt) with the main model, unless {@code ANTHROPIC_DEFAULT_HAIKU_MODEL} names a haiku model;
 * then it uses that one, and the gateway can route it apart. The title request is non-essential traffic, so this
 * run leaves {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC} unset (telemetry, updates and error reports stay off).
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
        JsonNode result = ClaudeCli.print(claude, home, work, gateway.baseUrl(), "Please use bash to print the marker",
                "sonnet", Map.of("ANTHROPIC_DEFAULT_HAIKU_MODEL", "claude-haiku-4-5-20251001"));

        assertThat(result.path("result").asText()).isEqualTo("Tool results: ccrouter-bash-ok");
        // The main loop: the prompt, then the Bash result, both with Claude Code's tools.
        assertThat(main.requests()).hasSize(2);
        assertThat(main.requests()).allSatisfy(request -> {
            assertThat(request.path("model").asText()).isEqualTo("main-coder");
            assertThat(request.path("tools").findValuesAsText("name")).contains("Bash", "Read");
        });
        assertThat(main.requests().getLast().path("messages").findValuesAsText("tool_call_id")).containsExactly("call_b1");
        // The background: the session title, asked of the haiku model, without tools.
        assertThat(small.requests()).isNotEmpty().allSatisfy(request -> {
            assertThat(request.path("model").asText()).isEqualTo("small-helper");
            assertThat(request.has("tools")).isFalse();
        });
        assertThat(small.requests()).anySatisfy(request -> assertThat(request.path("messages").toString())
                .contains("Generate a concise, sentence-case title"));
        assertThat(main.requests()).noneSatisfy(request -> assertThat(request.path("messages").toString())
                .contains("Generate a concise, sentence-case title"));
    }
}
