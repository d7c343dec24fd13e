package dev.ccrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.testing.ClaudeCli;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.ScriptedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real Claude Code CLI ({@code claude -p}) through the real gateway to a scripted model. It runs when a
 * {@code claude} binary is found ({@code CCROUTER_CLAUDE_BIN} or the PATH); {@code .ci/run} installs the pinned
 * version and sets {@code CCROUTER_REQUIRE_CLAUDE=1}, which turns a missing binary into a failure instead of a skip.
 */
class ClaudeCodeEndToEndTest {
    static ScriptedModel model;
    static RunningGateway gateway;
    static String claude;

    /** One HOME for all runs, as a user has: Claude Code's first start in a new HOME is several seconds slower. */
    @TempDir
    static Path home;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        claude = ClaudeCli.require();
        model = ScriptedModel.start(0);
        gateway = RunningGateway.start(model.baseUrl(), config -> config);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            model.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"haiku", "sonnet", "opus"})
    void textTurn(String family) throws Exception {
        JsonNode result = run(family, "Say hi");
        assertThat(result.path("result").asText()).isEqualTo("Hello from the scripted model.");
        JsonNode sent = model.requests().getLast();
        assertThat(sent.path("model").asText()).startsWith("anthropic/claude-" + family);
    }

    /**
     * The scripted model reports OpenRouter-style usage without a cache-write count (see
     * {@link ScriptedModel#usage}); the gateway infers the 150 writes from the charged cost, and Claude Code's own
     * report shows the exact figures it would have had from Anthropic.
     */
    @ParameterizedTest
    @ValueSource(strings = {"haiku", "sonnet", "opus"})
    void claudeCodeReportsTheExactUsage(String family) throws Exception {
        JsonNode usage = run(family, "Say hi").path("usage");
        assertThat(usage.path("input_tokens").asLong()).as("usage: %s", usage).isEqualTo(50);
        assertThat(usage.path("cache_creation_input_tokens").asLong()).isEqualTo(150);
        assertThat(usage.path("cache_read_input_tokens").asLong()).isEqualTo(1000);
        assertThat(usage.path("output_tokens").asLong()).isEqualTo(25);
    }

    @ParameterizedTest
    @ValueSource(strings = {"haiku", "sonnet", "opus"})
    void bashToolRoundTrip(String family) throws Exception {
        int before = model.requests().size();
        JsonNode result = run(family, "Please use bash to print the marker");
        assertThat(result.path("result").asText()).isEqualTo("Tool results: ccrouter-bash-ok");
        JsonNode followUp = model.requests().getLast();
        assertThat(model.requests().size() - before).isEqualTo(2);
        assertThat(fromLastAssistant(followUp)).as("the tool message follows its call at once")
                .startsWith("assistant", "tool").doesNotContain("user");
        JsonNode toolMessage = followUp.path("messages").path(roles(followUp).lastIndexOf("assistant") + 1);
        assertThat(toolMessage.path("tool_call_id").asText()).isEqualTo("call_b1");
        JsonNode firstRequest = model.requests().get(before);
        assertThat(roles(firstRequest)).as("the mid-conversation system message arrived").contains("system");
    }

    /**
     * Claude Code defers most tools: it names them in a system message and loads one through {@code ToolSearch},
     * whose result references it; from then on it sends the tool marked {@code defer_loading}, and a
     * {@code DeferredToolPlaceholder} so marked all along. The model sees a deferred tool once loaded, as on Anthropic.
     */
    @Test
    void aDeferredToolReachesTheModelOnceToolSearchHasLoadedIt() throws Exception {
        int before = model.requests().size();
        JsonNode result = run("sonnet", "Load the deferred web fetch tool");
        assertThat(result.path("result").asText()).isEqualTo("Tool results: Tool loaded: WebFetch");
        assertThat(model.requests().size() - before).isEqualTo(2);
        List<String> first = model.requests().get(before).path("tools").findValuesAsText("name");
        List<String> followUp = model.requests().getLast().path("tools").findValuesAsText("name");
        assertThat(first).contains("Bash", "Read", "ToolSearch").doesNotContain("WebFetch", "DeferredToolPlaceholder");
        assertThat(followUp).containsSequence(first.subList(0, first.indexOf("ToolSearch") + 1))
                .contains("WebFetch").doesNotContain("DeferredToolPlaceholder").hasSize(first.size() + 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"haiku", "sonnet", "opus"})
    void readToolRoundTrip(String family) throws Exception {
        Path file = work.resolve("notes.txt");
        Files.writeString(file, "ccrouter-read-ok\n");
        JsonNode result = run(family, "Now read " + file.toAbsolutePath());
        assertThat(result.path("result").asText()).startsWith("Tool results:").contains("ccrouter-read-ok");
    }

    @ParameterizedTest
    @ValueSource(strings = {"haiku", "sonnet", "opus"})
    void parallelToolCalls(String family) throws Exception {
        int before = model.requests().size();
        JsonNode result = run(family, "Run two commands in parallel");
        // Claude Code runs both at once and returns their results in the order they finished.
        assertThat(result.path("result").asText()).isIn(
                "Tool results: parallel-one parallel-two", "Tool results: parallel-two parallel-one");
        JsonNode followUp = model.requests().getLast();
        assertThat(model.requests().size() - before).isEqualTo(2);
        assertThat(fromLastAssistant(followUp)).as("both tool messages follow their calls at once")
                .startsWith("assistant", "tool", "tool").doesNotContain("user");
        assertThat(followUp.path("messages").findValuesAsText("tool_call_id")).containsExactlyInAnyOrder("call_p1", "call_p2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"haiku", "sonnet", "opus"})
    void thinkingAnswer(String family) throws Exception {
        JsonNode result = run(family, "Think before you answer");
        assertThat(result.path("result").asText()).isEqualTo("Thought about it: 42.");
    }

    private JsonNode run(String family, String prompt) throws IOException, InterruptedException {
        return ClaudeCli.print(claude, home, work, gateway.baseUrl(), prompt, family,
                Map.of("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"));
    }

    private static List<String> roles(JsonNode request) {
        return StreamSupport.stream(request.path("messages").spliterator(), false)
                .map(message -> message.path("role").asText()).toList();
    }

    /**
     * The roles from the last assistant message on. Claude Code 2.1.332 may end a turn with a mid-conversation
     * system message after the tool results (haiku's remaining-context note), which stays after the tool messages.
     */
    private static List<String> fromLastAssistant(JsonNode request) {
        List<String> roles = roles(request);
        return roles.subList(roles.lastIndexOf("assistant"), roles.size());
    }
}
