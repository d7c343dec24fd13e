package dev.ccrouter.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.translate.MessagesRequestTranslator;
import dev.ccrouter.translate.UpstreamTarget;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Qwen 3.5 and later answer "System message must be at the beginning" (Ollama 500, vLLM and llama.cpp 400) to any
 * system message that is not the first, and Claude Code sends one inside {@code messages} on every request (2.1.332:
 * after the first user turn, and for haiku after a turn's tool results too). The local servers' presets and
 * DashScope's give such a message as the user's context instead, in reminder tags, without rewriting anything an
 * earlier turn sent.
 */
class SystemFirstOnlyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GatewayConfig DEFAULTS = new ConfigLoader(Map.of("HOME", "/tmp")).load(ConfigLoader.Flags.NONE);

    @ParameterizedTest
    @ValueSource(strings = {"ollama", "vllm", "llamacpp", "lmstudio", "dashscope"})
    void claudeCodesFirstRequestHasOneSystemMessageFirst(String preset) throws Exception {
        JsonNode messages = translate(preset, """
                {"model": "claude-sonnet-5-5", "max_tokens": 1000,
                 "system": [{"type": "text", "text": "You are Claude Code."}],
                 "messages": [
                  {"role": "user", "content": [{"type": "text", "text": "<system-reminder>date</system-reminder>"},
                                               {"type": "text", "text": "Say hi"}]},
                  {"role": "system", "content": [{"type": "text", "text": "# Environment"}]}]}""");

        assertThat(messages.toString()).isEqualTo("""
                [{"role":"system","content":[{"type":"text","text":"You are Claude Code."}]},\
                {"role":"user","content":[{"type":"text","text":"<system-reminder>date</system-reminder>"},\
                {"type":"text","text":"Say hi"},\
                {"type":"text","text":"<system-reminder>\\n# Environment\\n</system-reminder>"}]}]""");
    }

    @Test
    void aSystemMessageAfterToolResultsIsTheUsersContextAfterTheToolMessages() throws Exception {
        JsonNode messages = translate("vllm", """
                {"model": "claude-haiku-5-5", "max_tokens": 1000, "messages": [
                  {"role": "user", "content": "print the marker"},
                  {"role": "system", "content": "# Environment"},
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "echo ok"}}]},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]},
                  {"role": "system", "content": [{"type": "text", "text": "<total_tokens>9000 tokens left</total_tokens>"}]}]}""");

        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "tool", "user");
        assertThat(messages.get(0).toString()).isEqualTo("""
                {"role":"user","content":[{"type":"text","text":"print the marker"},\
                {"type":"text","text":"<system-reminder>\\n# Environment\\n</system-reminder>"}]}""");
        assertThat(messages.get(3).toString()).isEqualTo("""
                {"role":"user","content":[{"type":"text","text":"<system-reminder>\\n\
                <total_tokens>9000 tokens left</total_tokens>\\n</system-reminder>"}]}""");
    }

    @Test
    void aSystemMessageWhileCallsAreOpenJoinsTheUsersWordsAfterTheToolMessages() throws Exception {
        JsonNode messages = translate("ollama", """
                {"model": "claude-sonnet-5-5", "max_tokens": 1000, "messages": [
                  {"role": "user", "content": "list the files"},
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls"}}]},
                  {"role": "system", "content": "Skills changed."},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.txt"},
                                               {"type": "text", "text": "now count them"}]}]}""");

        assertThat(messages.findValuesAsText("role")).containsExactly("user", "assistant", "tool", "user");
        assertThat(messages.get(3).toString()).isEqualTo("""
                {"role":"user","content":[{"type":"text","text":"<system-reminder>\\nSkills changed.\\n</system-reminder>"},\
                {"type":"text","text":"now count them"}]}""");
    }

    @Test
    void aSystemMessageBeforeTheConversationJoinsTheSystemPrompt() throws Exception {
        JsonNode messages = translate("lmstudio", """
                {"model": "claude-sonnet-5-5", "max_tokens": 1000, "system": "Be brief.", "messages": [
                  {"role": "system", "content": "Agents: Explore."},
                  {"role": "user", "content": "hi"}]}""");

        assertThat(messages.toString()).isEqualTo("""
                [{"role":"system","content":"Be brief.\\nAgents: Explore."},{"role":"user","content":"hi"}]""");
    }

    /**
     * Ollama makes each text part of a message a message of its own: a system prompt in parts would reach Qwen's
     * template as several system messages, and all but the first are refused as not at the beginning.
     */
    @Test
    void aSystemPromptOfSeveralBlocksIsOneText() throws Exception {
        JsonNode messages = translate("ollama", """
                {"model": "claude-sonnet-5-5", "max_tokens": 1000,
                 "system": [{"type": "text", "text": "x-anthropic-billing-header: cc_version=2.1.332;"},
                            {"type": "text", "text": "You are Claude Code."},
                            {"type": "text", "text": "Use the tools."}],
                 "messages": [{"role": "user", "content": "hi"}]}""");

        assertThat(messages.get(0).toString())
                .isEqualTo("{\"role\":\"system\",\"content\":\"You are Claude Code.\\nUse the tools.\"}");
    }

    /** Ollama makes each text part a message of its own: the tags in parts of their own would enclose nothing. */
    @Test
    void aSystemMessageOfSeveralBlocksIsOneReminder() throws Exception {
        JsonNode messages = translate("ollama", """
                {"model": "claude-sonnet-5-5", "max_tokens": 1000, "messages": [
                  {"role": "user", "content": "hi"},
                  {"role": "system", "content": [{"type": "text", "text": "# Environment"}, {"type": "text", "text": "# Agents"}]}]}""");

        assertThat(messages.toString()).isEqualTo("""
                [{"role":"user","content":[{"type":"text","text":"hi"},\
                {"type":"text","text":"<system-reminder>\\n# Environment\\n# Agents\\n</system-reminder>"}]}]""");
    }

    @Test
    void aSystemMessageWithACacheMarkerKeepsItsPartsBetweenTheTags() throws Exception {
        JsonNode messages = translate("dashscope", """
                {"model": "claude-sonnet-5-5", "max_tokens": 1000, "messages": [
                  {"role": "user", "content": "hi"},
                  {"role": "system", "content": [{"type": "text", "text": "# Environment", "cache_control": {"type": "ephemeral"}}]}]}""");

        assertThat(messages.toString()).isEqualTo("""
                [{"role":"user","content":[{"type":"text","text":"hi"},{"type":"text","text":"<system-reminder>\\n"},\
                {"type":"text","text":"# Environment","cache_control":{"type":"ephemeral"}},\
                {"type":"text","text":"\\n</system-reminder>"}]}]""");
    }

    @Test
    void aSystemPromptWithACacheMarkerKeepsItsParts() throws Exception {
        JsonNode messages = translate("dashscope", """
                {"model": "claude-sonnet-5-5", "max_tokens": 1000,
                 "system": [{"type": "text", "text": "You are Claude Code."},
                            {"type": "text", "text": "Use the tools.", "cache_control": {"type": "ephemeral"}}],
                 "messages": [{"role": "user", "content": "hi"}]}""");

        assertThat(messages.get(0).toString()).isEqualTo("""
                {"role":"system","content":[{"type":"text","text":"You are Claude Code."},\
                {"type":"text","text":"Use the tools.","cache_control":{"type":"ephemeral"}}]}""");
    }

    @Test
    void aTurnsMessagesBeginWithThePreviousTurnsMessagesUnchanged() throws Exception {
        String first = """
                {"role": "user", "content": "print the marker"},
                {"role": "system", "content": "# Environment"},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "echo ok"}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]},
                {"role": "system", "content": "<total_tokens>9000 tokens left</total_tokens>"}""";
        JsonNode before = translate("llamacpp", "{\"model\": \"claude-haiku-5-5\", \"max_tokens\": 1000, \"messages\": ["
                + first + "]}");
        JsonNode after = translate("llamacpp", "{\"model\": \"claude-haiku-5-5\", \"max_tokens\": 1000, \"messages\": ["
                + first + ", {\"role\": \"assistant\", \"content\": \"Printed.\"}, {\"role\": \"user\", \"content\": \"thanks\"}]}");

        assertThat(after.size()).isEqualTo(before.size() + 2);
        for (int i = 0; i < before.size(); i++) {
            assertThat(after.get(i)).as("message %d", i).isEqualTo(before.get(i));
        }
    }

    @Test
    void cloudProvidersKeepSystemMessagesWhereTheyAre() throws Exception {
        JsonNode messages = translate("openai-compatible", """
                {"model": "claude-sonnet-5-5", "max_tokens": 1000, "messages": [
                  {"role": "user", "content": "hi"}, {"role": "system", "content": "# Environment"}]}""");

        assertThat(messages.toString())
                .isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"system\",\"content\":\"# Environment\"}]");
    }

    private static JsonNode translate(String preset, String body) throws Exception {
        Provider provider = new Router(DEFAULTS.withProviders(List.of(new ProviderSettings("p", preset,
                URI.create("http://127.0.0.1:1/v1"), List.of(), null, Map.of())))).providers().get("p");
        return new MessagesRequestTranslator(JSON).translate(JSON.readTree(body),
                new UpstreamTarget("claude-sonnet-5-5", "qwen3.8:27b", provider.capabilities("qwen3.8:27b"),
                        provider.dialect()), null).body().path("messages");
    }
}
