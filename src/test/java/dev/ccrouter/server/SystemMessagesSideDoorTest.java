package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Claude Code's system messages inside {@code messages}, sent to a local server's Anthropic side door ({@code protocol:
 * anthropic} on the {@code ollama} preset, whose Qwen 3.5 templates take a system message first only): one before the
 * conversation joins the system prompt, the others become the user's context in {@code <system-reminder>} tags, the
 * client's cache breakpoint kept on them. Anthropic's own endpoint takes them as they are.
 */
class SystemMessagesSideDoorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ANSWER = """
            {"id":"msg_1","type":"message","role":"assistant","model":"qwen3.5","content":[{"type":"text","text":"ok"}],\
            "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}""";
    /** Claude Code's second turn: its agents as a system message after the first user turn, and a note at the end. */
    private static final String TURN = """
            {"model":"%s","max_tokens":256,"system":[{"type":"text","text":"You are Claude Code."}],"messages":[
              {"role":"user","content":[{"type":"text","text":"List the files."}]},
              {"role":"system","content":"Agents: general-purpose."},
              {"role":"assistant","content":[{"type":"text","text":"Listing."},
                {"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt"}]},
              {"role":"system","content":[{"type":"text","text":"Context left: 90%%.",
                "cache_control":{"type":"ephemeral"}}]}]}""";

    static FakeUpstream upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        URI at = URI.create(upstream.baseUrl());
        gateway = RunningGateway.start(upstream, config -> config.withProviders(List.of(
                new ProviderSettings("local", "ollama", at, List.of(), "anthropic", Map.of()),
                new ProviderSettings("claude", "anthropic", at, List.of("sk-provider"), null, Map.of()))));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static JsonNode forwarded(String body) throws Exception {
        upstream.answer(FakeUpstream.json(200, ANSWER));
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", body,
                "x-api-key", "sk-client");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return upstream.lastRequest().body();
    }

    @Test
    void theyGoAsTheUsersContextToAServerThatTakesSystemMessagesFirstOnly() throws Exception {
        JsonNode sent = forwarded(TURN.formatted("local,qwen3.5"));

        assertThat(sent.path("messages").toString()).isEqualTo(JSON.readTree("""
                [{"role":"user","content":[{"type":"text","text":"List the files."},
                   {"type":"text","text":"<system-reminder>\\nAgents: general-purpose.\\n</system-reminder>"}]},
                 {"role":"assistant","content":[{"type":"text","text":"Listing."},
                   {"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt"},
                   {"type":"text","text":"<system-reminder>\\nContext left: 90%.\\n</system-reminder>",
                    "cache_control":{"type":"ephemeral"}}]}]""").toString());
        assertThat(sent.path("system").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"You are Claude Code.\"}]");
    }

    @Test
    void oneBeforeTheConversationJoinsTheSystemPrompt() throws Exception {
        JsonNode sent = forwarded("""
                {"model":"local,qwen3.5","max_tokens":256,"system":"You are Claude Code.","messages":[
                  {"role":"system","content":"Agents: general-purpose."},
                  {"role":"user","content":"hi"}]}""");

        assertThat(sent.path("system").asText()).isEqualTo("You are Claude Code.\nAgents: general-purpose.");
        assertThat(sent.path("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"}]");
    }

    @Test
    void anthropicsOwnEndpointTakesThemAsTheyAre() throws Exception {
        JsonNode sent = forwarded(TURN.formatted("claude,claude-sonnet-4-5"));

        JsonNode asWritten = JSON.readTree(TURN.formatted("claude,claude-sonnet-4-5")).path("messages");
        assertThat(sent.path("messages")).isEqualTo(asWritten);
    }
}
