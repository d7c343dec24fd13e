package dev.ccrouter.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.translate.MessagesRequestTranslator;
import dev.ccrouter.translate.UpstreamTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Mistral answers 400 "Unexpected role 'user' after role 'tool'" (type invalid_request_message_order, code 3230):
 * after tool results the next message must be an assistant's. Claude Code's tool-result turns routinely carry text
 * after the results (system reminders, the user's interjection), which the gateway sends as a user message.
 */
class MistralMessageOrderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GatewayConfig DEFAULTS = new ConfigLoader(Map.of("HOME", "/tmp")).load(ConfigLoader.Flags.NONE);

    @Test
    void noUserMessageFollowsAToolMessage() throws Exception {
        JsonNode messages = new MessagesRequestTranslator(JSON).translate(JSON.readTree("""
                {"model": "claude-sonnet-5", "max_tokens": 1000, "messages": [
                  {"role": "user", "content": "list the files"},
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls"}}]},
                  {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.txt"},
                    {"type": "text", "text": "<system-reminder>The todo list is empty.</system-reminder>"}]}]}"""),
                mistral(), null).body().path("messages");

        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "tool", "assistant", "user");
        assertThat(messages.get(3).toString()).as("the bridge says nothing")
                .isEqualTo("{\"role\":\"assistant\",\"content\":\"\"}");
        assertThat(messages.get(4).path("content").path(0).path("text").asText())
                .isEqualTo("<system-reminder>The todo list is empty.</system-reminder>");
    }
    /** The same validator refuses "Unexpected role 'system' after role 'tool'": only assistant or tool may follow. */
    @Test
    void noSystemMessageFollowsAToolMessage() throws Exception {
        JsonNode messages = new MessagesRequestTranslator(JSON).translate(JSON.readTree("""
                {"model": "claude-sonnet-5", "max_tokens": 1000, "messages": [
                  {"role": "user", "content": "list the files"},
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls"}}]},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.txt"}]},
                  {"role": "system", "content": "Skills changed."},
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_2", "name": "Bash", "input": {"command": "pwd"}}]},
                  {"role": "system", "content": "Agents changed."},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_2", "content": "/tmp"}]}]}"""),
                mistral(), null).body().path("messages");

        assertThat(messages.findValuesAsText("role")).containsExactly(
                "user", "assistant", "tool", "assistant", "system", "assistant", "tool", "assistant", "system");
        assertThat(messages.get(3).toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"\"}");
        assertThat(messages.get(7).toString()).isEqualTo("{\"role\":\"assistant\",\"content\":\"\"}");
    }

    private static UpstreamTarget mistral() {
        Provider mistral = new Router(DEFAULTS.withProviders(List.of(
                new ProviderSettings("m", "mistral", null, List.of(), null, Map.of())))).providers().get("m");
        return new UpstreamTarget("claude-sonnet-5", "devstral-medium-latest",
                mistral.capabilities("devstral-medium-latest"), mistral.dialect());
    }
}
