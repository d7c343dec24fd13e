package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.translate.Dialect.ReasoningReplay;
import dev.ccrouter.translate.Dialect.ReasoningRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The request side obeys the provider's dialect: every field a provider writes differently, one test each. */
class DialectTest {
    private static final Dialect DEEPSEEK =
            new Dialect(ReasoningRequest.THINKING_TYPE, ReasoningReplay.REASONING_CONTENT, false, true, "max_tokens");
    private static final Dialect NEWER_OPENAI =
            new Dialect(ReasoningRequest.REASONING_EFFORT, ReasoningReplay.NONE, false, false, "max_completion_tokens");

    private static final String TOOL_TURN = """
            {"model": "m", "max_tokens": 1000, "stream": true,
             "thinking": {"type": "enabled", "budget_tokens": 20000},
             "messages": [
               {"role": "user", "content": "list files"},
               {"role": "assistant", "content": [
                 {"type": "thinking", "thinking": "I should run ls.", "signature": ""},
                 {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls"}}]},
               {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "a.txt"}]},
               {"role": "assistant", "content": [
                 {"type": "tool_use", "id": "toolu_2", "name": "Bash", "input": {"command": "cat a.txt"}}]},
               {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_2", "content": "hello"}]},
               {"role": "assistant", "content": "It says hello."},
               {"role": "user", "content": "thanks"}]}""";

    private final MessagesRequestTranslator translator = new MessagesRequestTranslator(RequestFixtures.JSON);

    @Test
    void openRouterGetsItsReasoningObjectSessionAndStreamUsage() {
        JsonNode body = translate(Dialect.OPENROUTER, TOOL_TURN, "session-1");

        assertThat(body.get("reasoning").toString()).isEqualTo("{\"max_tokens\":999}");
        assertThat(body.get("session_id").asText()).isEqualTo("session-1");
        assertThat(body.get("stream_options").toString()).isEqualTo("{\"include_usage\":true}");
        assertThat(body.has("thinking")).isFalse();
        assertThat(body.has("reasoning_effort")).isFalse();
    }

    @Test
    void thinkingTypeProvidersGetAnOnSwitchAndNoSession() {
        JsonNode body = translate(DEEPSEEK, TOOL_TURN, "session-1");

        assertThat(body.get("thinking").toString()).isEqualTo("{\"type\":\"enabled\"}");
        assertThat(body.has("reasoning")).isFalse();
        assertThat(body.has("session_id")).isFalse();
    }

    @Test
    void thinkingTypeProvidersAreToldWhenTheClientTurnedThinkingOff() {
        JsonNode body = translate(DEEPSEEK, """
                {"model": "m", "max_tokens": 100, "thinking": {"type": "disabled"},
                 "messages": [{"role": "user", "content": "hi"}]}""", null);

        assertThat(body.get("thinking").toString()).isEqualTo("{\"type\":\"disabled\"}");
    }

    @Test
    void reasoningContentGoesBackOnEveryToolCallingTurnEvenWhenTheClientKeptNoThinking() {
        JsonNode messages = translate(DEEPSEEK, TOOL_TURN, null).get("messages");

        assertThat(messages.get(1).get("reasoning_content").asText()).isEqualTo("I should run ls.");
        assertThat(messages.get(3).get("reasoning_content").asText()).isEmpty();
        assertThat(messages.get(5).has("reasoning_content")).isFalse(); // no tools, no thinking: nothing owed
        assertThat(messages.get(1).has("reasoning_details")).isFalse();
    }

    @Test
    void unsignedThinkingIsNotReplayedAsReasoningDetails() {
        JsonNode messages = translate(Dialect.OPENROUTER, TOOL_TURN, null).get("messages");

        assertThat(messages.get(1).has("reasoning_details")).isFalse();
        assertThat(messages.get(1).has("reasoning_content")).isFalse();
    }

    @Test
    void newerOpenAiServersGetMaxCompletionTokensAndNoStreamOption() {
        JsonNode body = translate(NEWER_OPENAI, TOOL_TURN, null);

        assertThat(body.get("max_completion_tokens").asInt()).isEqualTo(1000);
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.has("stream_options")).isFalse();
        assertThat(body.get("stream").asBoolean()).isTrue();
        assertThat(body.get("messages").get(1).has("reasoning_content")).isFalse();
    }

    @ParameterizedTest
    @CsvSource({
            "'{\"type\": \"enabled\", \"budget_tokens\": 1024}', , low",
            "'{\"type\": \"enabled\", \"budget_tokens\": 4096}', , medium",
            "'{\"type\": \"enabled\", \"budget_tokens\": 16384}', , high",
            "'{\"type\": \"adaptive\"}', , medium",
            "'{\"type\": \"adaptive\"}', low, low",
            "'{\"type\": \"adaptive\"}', max, high",
            "'{\"type\": \"adaptive\"}', minimal, low",
    })
    void effortProvidersGetALevelFromTheBudgetOrTheEffort(String thinking, String effort, String level) {
        String outputConfig = effort == null ? "" : ", \"output_config\": {\"effort\": \"" + effort + "\"}";
        JsonNode body = translate(NEWER_OPENAI, """
                {"model": "m", "max_tokens": 32000, "thinking": %s%s,
                 "messages": [{"role": "user", "content": "hi"}]}""".formatted(thinking, outputConfig), null);

        assertThat(body.get("reasoning_effort").asText()).isEqualTo(level);
        assertThat(body.has("reasoning")).isFalse();
    }

    @Test
    void stopSequencesAreCutToTheModelsLimit() {
        ModelCapabilities oneStop = new ModelCapabilities(false, false, false, null, null,
                ModelCapabilities.OPENAI_TOOL_NAME_LIMIT, java.util.Set.of(), 1);
        ChatRequest chat = translator.translate(json("""
                {"model": "m", "max_tokens": 10, "stop_sequences": ["A", "B"],
                 "messages": [{"role": "user", "content": "hi"}]}"""),
                new UpstreamTarget("m", "m", oneStop, Dialect.OPENAI_COMPATIBLE), null);

        assertThat(chat.body().get("stop").toString()).isEqualTo("[\"A\"]");
        assertThat(chat.stopSequences()).containsExactly("A", "B");
    }

    @Test
    void moonshotAndMistralGetTheSessionAsPromptCacheKey() {
        Dialect cacheKeyed = new Dialect(ReasoningRequest.THINKING_TYPE, ReasoningReplay.REASONING_CONTENT, false, true,
                "max_completion_tokens", true);

        JsonNode body = translate(cacheKeyed, TOOL_TURN, "session-1");

        assertThat(body.get("prompt_cache_key").asText()).isEqualTo("session-1");
        assertThat(body.has("session_id")).isFalse();
        assertThat(translate(cacheKeyed, TOOL_TURN, null).has("prompt_cache_key")).isFalse();
        assertThat(translate(Dialect.OPENROUTER, TOOL_TURN, "session-1").has("prompt_cache_key")).isFalse();
    }

    private JsonNode translate(Dialect dialect, String request, String sessionId) {
        UpstreamTarget target = new UpstreamTarget("claude", "model-x", ModelCapabilities.PLAIN, dialect);
        return translator.translate(json(request), target, sessionId).body();
    }

    private static JsonNode json(String text) {
        try {
            return RequestFixtures.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
