package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.testing.AnthropicStreamGrammar;
import dev.ccrouter.testing.AnthropicStreamGrammar.Frame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Upstream tool call ids that Anthropic would reject reach the client in a safe form and go back upstream unchanged. */
class ToolCallIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"call_abc123", "toolu_01A09q90qw90lq917835lq9", "call-1"})
    void validIdsPassUnchanged(String id) {
        assertThat(ToolCallIds.toClient(id)).isEqualTo(id);
        assertThat(ToolCallIds.toUpstream(id)).isEqualTo(id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"functions.Bash:0", "call 1", "tool/é/1", "toolu_enc_abc"})
    void otherIdsAreEncodedReversibly(String id) {
        String client = ToolCallIds.toClient(id);
        assertThat(client).matches("[a-zA-Z0-9_-]+").startsWith("toolu_enc_");
        assertThat(ToolCallIds.toUpstream(client)).isEqualTo(id);
    }

    @Test
    void kimiIdsSurviveAToolRoundTrip() {
        List<Frame> frames = new ArrayList<>();
        ChatStreamTranslator stream = new ChatStreamTranslator(Fixtures.JSON, Fixtures.context("stream", "none"),
                event -> frames.add(Frame.of(event)));
        stream.onChunk(Fixtures.readJson("""
                {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"functions.Bash:0","type":"function",
                "function":{"name":"Bash","arguments":"{\\"command\\":\\"ls\\"}"}}]},"finish_reason":"tool_calls"}]}"""));
        stream.onDone();
        ObjectNode message = AnthropicStreamGrammar.check(frames).message();
        String clientId = message.path("content").path(0).path("id").asText();
        assertThat(clientId).isEqualTo("toolu_enc_ZnVuY3Rpb25zLkJhc2g6MA");

        JsonNode replay = Fixtures.readJson("""
                {"model":"claude-sonnet-5","max_tokens":100,"messages":[
                 {"role":"user","content":"list files"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"%s","name":"Bash","input":{"command":"ls"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"%s","content":"a.txt"}]}]}"""
                .formatted(clientId, clientId));
        ChatRequest request = new MessagesRequestTranslator(Fixtures.JSON)
                .translate(replay, new UpstreamTarget("claude-sonnet-5", "moonshotai/kimi-k2", ModelCapabilities.PLAIN), null);

        JsonNode messages = request.body().path("messages");
        assertThat(messages.path(1).path("tool_calls").path(0).path("id").asText()).isEqualTo("functions.Bash:0");
        assertThat(messages.path(2).path("tool_call_id").asText()).isEqualTo("functions.Bash:0");
    }
}
