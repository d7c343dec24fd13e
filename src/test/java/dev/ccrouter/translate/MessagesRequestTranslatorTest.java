package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.CacheTtls;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Rules the golden fixtures do not pin, and what {@link ChatRequest} tells the response side. */
class MessagesRequestTranslatorTest {
    private static final UpstreamTarget CACHING =
            new UpstreamTarget("claude", "anthropic/claude-sonnet-4.5", ModelCapabilities.CACHING);
    private static final UpstreamTarget PLAIN =
            new UpstreamTarget("claude", "deepseek/deepseek-chat", ModelCapabilities.PLAIN);
    private static final UpstreamTarget CAPPED = new UpstreamTarget("claude", "deepseek/deepseek-chat",
            ModelCapabilities.PLAIN.withMaxOutputTokens(8192));

    private final MessagesRequestTranslator translator = new MessagesRequestTranslator(RequestFixtures.JSON);

    // ---- what the response side learns -------------------------------------------------------------------------

    @Test
    void reportsShortenedToolNamesStopSequencesAndStreaming() {
        RequestFixtures fixture = RequestFixtures.load("sampling-and-tool-choice");

        ChatRequest chat = translator.translate(fixture.request(), fixture.target(), null);

        assertThat(chat.toolNames().clientName("mcp__company-knowledge-base__search_internal_engineerin_8b83d98e"))
                .isEqualTo("mcp__company-knowledge-base__search_internal_engineering_documentation_by_topic");
        assertThat(chat.toolNames().clientName("Read")).isEqualTo("Read");
        assertThat(chat.stopSequences())
                .containsExactly("</answer>", "\n\nHuman:", "STOP", "END", "###", "<|end|>");
        assertThat(chat.stream()).isFalse();
        assertThat(chat.cacheTtls()).isEqualTo(CacheTtls.NONE);
    }

    @Test
    void claudeCodeFirstRequestStreamsWithoutRenamingOrOneHourCaching() {
        RequestFixtures fixture = RequestFixtures.load("cc-first-request");

        ChatRequest chat = translator.translate(fixture.request(), fixture.target(), fixture.sessionId());

        assertThat(chat.stream()).isTrue();
        assertThat(chat.toolNames()).isSameAs(ToolNameMap.IDENTITY);
        assertThat(chat.stopSequences()).isEmpty();
        assertThat(chat.cacheTtls()).isEqualTo(CacheTtls.FIVE_MINUTES);
    }

    @Test
    void oneHourCachingWhenEveryForwardedBreakpointAsksForIt() {
        RequestFixtures fixture = RequestFixtures.load("cache-markers");

        assertThat(translator.translate(fixture.request(), fixture.target(), null).cacheTtls())
                .isEqualTo(CacheTtls.ONE_HOUR);
    }

    @Test
    void keepsTheLastFourBreakpoints() {
        ChatRequest chat = translate(CACHING, """
                {"model": "m", "max_tokens": 10,
                 "tools": [{"name": "A", "input_schema": {}, "cache_control": {"type": "ephemeral"}}],
                 "system": [{"type": "text", "text": "s", "cache_control": {"type": "ephemeral"}}],
                 "messages": [{"role": "user", "content": [
                   {"type": "text", "text": "1", "cache_control": {"type": "ephemeral"}},
                   {"type": "image", "source": {"type": "url", "url": "https://example.com/2.png"}, "cache_control": {"type": "ephemeral"}},
                   {"type": "text", "text": "3", "cache_control": {"type": "ephemeral"}}]}]}""");

        assertThat(chat.body().findParents("cache_control")).hasSize(4);
        assertThat(chat.body().at("/tools/0").has("cache_control")).isFalse();
        assertThat(chat.body().at("/messages/0/content/0").has("cache_control")).isTrue();
    }

    @Test
    void mixedTtlsWhenOneBreakpointIsFiveMinutes() {
        ChatRequest chat = translate(CACHING, """
                {"model": "m", "max_tokens": 10, "cache_control": {"type": "ephemeral", "ttl": "1h"},
                 "messages": [{"role": "user", "content": [{"type": "text", "text": "a", "cache_control": {"type": "ephemeral"}}]}]}""");

        assertThat(chat.cacheTtls()).isEqualTo(CacheTtls.MIXED);
    }

    @Test
    void noOneHourCachingWhereTheModelHasNoTtl() {
        UpstreamTarget noTtl = new UpstreamTarget("claude", "google/gemini-2.5-pro",
                ModelCapabilities.PLAIN.withCaching(true, false, false));

        ChatRequest chat = translate(noTtl, """
                {"model": "m", "max_tokens": 10,
                 "messages": [{"role": "user", "content": [{"type": "text", "text": "a", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]}]}""");

        assertThat(chat.cacheTtls()).isEqualTo(CacheTtls.FIVE_MINUTES);
        assertThat(chat.body().at("/messages/0/content/0/cache_control").toString()).isEqualTo("{\"type\":\"ephemeral\"}");
    }

    @Test
    void noBreakpointsMeansNoOneHourCaching() {
        ChatRequest chat = translate(PLAIN, """
                {"model": "m", "max_tokens": 10, "cache_control": {"type": "ephemeral", "ttl": "1h"},
                 "messages": [{"role": "user", "content": [{"type": "text", "text": "a", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]}]}""");

        assertThat(chat.cacheTtls()).isEqualTo(CacheTtls.NONE);
        assertThat(chat.body().findValues("cache_control")).isEmpty();
    }

    // ---- breakpoints placed for Claude models --------------------------------------------------------------------

    private static final UpstreamTarget CLAUDE =
            new UpstreamTarget("claude", "anthropic/claude-sonnet-4.6", ModelCapabilities.CLAUDE);

    @Test
    void placesBreakpointsAtTheEndOfTheSystemPromptAndOnTheLastMessage() {
        ChatRequest chat = translate(CLAUDE, """
                {"model": "m", "max_tokens": 10, "system": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}],
                 "messages": [{"role": "user", "content": "first"}, {"role": "assistant", "content": "reply"},
                              {"role": "user", "content": "second"}]}""");

        assertThat(chat.body().path("messages").toString()).isEqualTo("""
                [{"role":"system","content":[{"type":"text","text":"a"},\
                {"type":"text","text":"b","cache_control":{"type":"ephemeral"}}]},\
                {"role":"user","content":"first"},{"role":"assistant","content":"reply"},\
                {"role":"user","content":[{"type":"text","text":"second","cache_control":{"type":"ephemeral"}}]}]""");
        assertThat(chat.cacheTtls()).isEqualTo(CacheTtls.FIVE_MINUTES);
    }

    @Test
    void placesTheMessageBreakpointOnTheLastPartThatCanCarryIt() {
        // The conversation ends on a tool call: its invented tool message is the last message.
        ChatRequest chat = translate(CLAUDE, """
                {"model": "m", "max_tokens": 10, "messages": [
                  {"role": "user", "content": [{"type": "text", "text": "look"},
                    {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}]},
                  {"role": "assistant", "content": [
                    {"type": "thinking", "thinking": "hm", "signature": "sig"},
                    {"type": "tool_use", "id": "toolu_1", "name": "Read", "input": {}}]}]}""");

        assertThat(chat.body().findParents("cache_control")).hasSize(1);
        assertThat(chat.body().at("/messages/2").toString()).isEqualTo("""
                {"role":"tool","tool_call_id":"toolu_1","content":[{"type":"text",\
                "text":"Tool call was interrupted: no result was recorded.","cache_control":{"type":"ephemeral"}}]}""");
        assertThat(chat.body().at("/messages/1").has("content")).isTrue();
        assertThat(chat.body().at("/messages/1/reasoning_details/0").has("cache_control")).isFalse();
    }

    @Test
    void skipsAMessageWithoutContentForTheLastThatHasSome() {
        ChatRequest chat = translate(CLAUDE, """
                {"model": "m", "max_tokens": 10, "messages": [
                  {"role": "user", "content": [{"type": "text", "text": "look"},
                    {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}]},
                  {"role": "assistant", "content": [{"type": "thinking", "thinking": "hm", "signature": "sig"}]}]}""");

        assertThat(chat.body().findParents("cache_control")).hasSize(1);
        assertThat(chat.body().at("/messages/0/content/1/cache_control").toString()).isEqualTo("{\"type\":\"ephemeral\"}");
    }

    @Test
    void keepsTheClientsOwnBreakpointsAndPlacesNone() {
        ChatRequest chat = translate(CLAUDE, """
                {"model": "m", "max_tokens": 10, "system": "s",
                 "tools": [{"name": "A", "input_schema": {}, "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
                 "messages": [{"role": "user", "content": "hi"}]}""");

        assertThat(chat.body().findParents("cache_control")).hasSize(1);
        assertThat(chat.cacheTtls()).isEqualTo(CacheTtls.ONE_HOUR);
    }

    @Test
    void automaticCachingCountsAsTheClientsBreakpoint() {
        ChatRequest chat = translate(CLAUDE, """
                {"model": "m", "max_tokens": 10, "cache_control": {"type": "ephemeral"},
                 "messages": [{"role": "user", "content": "hi"}]}""");

        assertThat(chat.body().path("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"}]");
        assertThat(chat.cacheTtls()).isEqualTo(CacheTtls.FIVE_MINUTES);
    }

    @Test
    void placesNothingForModelsThatAreNotClaude() {
        ChatRequest gemini = translate(new UpstreamTarget("claude", "google/gemini-2.5-pro",
                ModelCapabilities.PLAIN.withCaching(true, false, false)), """
                {"model": "m", "max_tokens": 10, "system": "s", "messages": [{"role": "user", "content": "hi"}]}""");
        ChatRequest plain = translate(PLAIN, """
                {"model": "m", "max_tokens": 10, "system": "s", "messages": [{"role": "user", "content": "hi"}]}""");

        assertThat(gemini.body().findParents("cache_control")).isEmpty();
        assertThat(gemini.cacheTtls()).isEqualTo(CacheTtls.NONE);
        assertThat(plain.body().findParents("cache_control")).isEmpty();
    }

    // ---- tool_choice -------------------------------------------------------------------------------------------

    static Stream<Arguments> toolChoices() {
        return Stream.of(
                arguments("{\"type\": \"auto\"}", "{\"tool_choice\":\"auto\"}"),
                arguments("{\"type\": \"any\"}", "{\"tool_choice\":\"required\"}"),
                arguments("{\"type\": \"none\"}", "{\"tool_choice\":\"none\"}"),
                arguments("{\"type\": \"tool\", \"name\": \"Bash\"}",
                        "{\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"Bash\"}}}"),
                arguments("{\"type\": \"auto\", \"disable_parallel_tool_use\": true}",
                        "{\"tool_choice\":\"auto\",\"parallel_tool_calls\":false}"),
                arguments("{\"type\": \"any\", \"disable_parallel_tool_use\": false}", "{\"tool_choice\":\"required\"}"),
                // a dropped server tool cannot be forced upstream
                arguments("{\"type\": \"tool\", \"name\": \"web_search\", \"disable_parallel_tool_use\": true}", "{}"),
                arguments("{\"type\": \"tool\", \"name\": \"Unknown\"}", "{}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("toolChoices")
    void translatesToolChoice(String choice, String expected) {
        ChatRequest chat = translate(PLAIN, """
                {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}],
                 "tools": [{"name": "Bash", "input_schema": {"type": "object"}}, {"type": "web_search_20250305", "name": "web_search"}],
                 "tool_choice": %s}""".formatted(choice));

        assertThat(chat.body().path("tools").size()).isEqualTo(1);
        assertThat(pick(chat.body(), "tool_choice", "parallel_tool_calls")).isEqualTo(expected);
    }

    @Test
    void noToolChoiceWithoutForwardedTools() {
        ChatRequest chat = translate(PLAIN, """
                {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}],
                 "tools": [{"type": "web_search_20250305", "name": "web_search"}],
                 "tool_choice": {"type": "any", "disable_parallel_tool_use": true}}""");

        assertThat(pick(chat.body(), "tools", "tool_choice", "parallel_tool_calls")).isEqualTo("{}");
    }

    // ---- max_tokens and reasoning ------------------------------------------------------------------------------

    static Stream<Arguments> reasoning() {
        return Stream.of(
                arguments(CACHING, 32000, "{\"type\": \"enabled\", \"budget_tokens\": 31999}", null,
                        "{\"max_tokens\":32000,\"reasoning\":{\"max_tokens\":31999}}"),
                // the budget must stay below the clamped max_tokens
                arguments(CAPPED, 32000, "{\"type\": \"enabled\", \"budget_tokens\": 31999}", null,
                        "{\"max_tokens\":8192,\"reasoning\":{\"max_tokens\":8191}}"),
                // cache pre-warm: max_tokens 0 is sent as 1, which leaves no room for reasoning
                arguments(CACHING, 0, "{\"type\": \"enabled\", \"budget_tokens\": 1024}", null, "{\"max_tokens\":1}"),
                arguments(CACHING, 0, null, null, "{\"max_tokens\":1}"),
                arguments(CAPPED, 64000, "{\"type\": \"adaptive\"}", "{\"effort\": \"max\"}",
                        "{\"max_tokens\":8192,\"reasoning\":{\"enabled\":true,\"effort\":\"max\"}}"),
                arguments(CACHING, 64000, "{\"type\": \"adaptive\", \"display\": \"omitted\"}", null,
                        "{\"max_tokens\":64000,\"reasoning\":{\"enabled\":true}}"),
                // OpenRouter's documented off switch: a model that reasons by default would reason (and bill) anyway
                // Claude's effort without reasoning goes as verbosity, OpenRouter's output_config.effort either way
                arguments(CACHING, 64000, "{\"type\": \"disabled\"}", "{\"effort\": \"low\"}",
                        "{\"max_tokens\":64000,\"reasoning\":{\"effort\":\"none\"},\"verbosity\":\"low\"}"),
                arguments(CACHING, 64000, null, "{\"effort\": \"low\"}", "{\"max_tokens\":64000,\"verbosity\":\"low\"}"),
                arguments(CACHING, 32000, "{\"type\": \"enabled\", \"budget_tokens\": 16000}", "{\"effort\": \"max\"}",
                        "{\"max_tokens\":32000,\"reasoning\":{\"max_tokens\":16000},\"verbosity\":\"max\"}"),
                // other models' verbosity is another setting
                arguments(PLAIN, 64000, null, "{\"effort\": \"low\"}", "{\"max_tokens\":64000}"));
    }

    @ParameterizedTest(name = "{0} max_tokens={1} thinking={2} output_config={3}")
    @MethodSource("reasoning")
    void translatesMaxTokensAndReasoning(UpstreamTarget target, int maxTokens, String thinking, String outputConfig,
                                         String expected) {
        String body = """
                {"model": "m", "max_tokens": %d, "messages": [{"role": "user", "content": "hi"}]%s%s}""".formatted(
                maxTokens,
                thinking == null ? "" : ", \"thinking\": " + thinking,
                outputConfig == null ? "" : ", \"output_config\": " + outputConfig);

        assertThat(pick(translate(target, body).body(), "max_tokens", "reasoning", "verbosity")).isEqualTo(expected);
    }

    // ---- session and user --------------------------------------------------------------------------------------

    @Test
    void truncatesTheSessionIdToOpenRoutersLimit() {
        String longId = "s".repeat(300);

        ChatRequest chat = translator.translate(parse(minimal()), PLAIN, longId);

        assertThat(chat.body().path("session_id").textValue()).isEqualTo("s".repeat(256));
    }

    @Test
    void neverSplitsASurrogatePairWhenTruncating() {
        String id = "a".repeat(255) + "😀";

        assertThat(MessagesRequestTranslator.truncate(id, 256)).isEqualTo("a".repeat(255));
    }

    @Test
    void sendsNoSessionIdForAnEmptyHeader() {
        assertThat(translator.translate(parse(minimal()), PLAIN, "").body().has("session_id")).isFalse();
    }

    @Test
    void hashesTheUserIdAndNeverForwardsIt() {
        ChatRequest chat = translate(PLAIN, """
                {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}],
                 "metadata": {"user_id": "{\\"device_id\\":\\"d\\",\\"account_uuid\\":\\"acc-1\\",\\"session_id\\":\\"s\\"}"}}""");

        // sha256 of the raw value, first 32 hex digits
        assertThat(chat.body().path("user").textValue()).isEqualTo("21d26e1b6a0515ccf7adb8d46bace2c7");
        assertThat(chat.body().toString()).doesNotContain("acc-1");
    }

    // ---- conversation edge cases -------------------------------------------------------------------------------

    @Test
    void leavesClaudeCodesAttributionBlockOutOfTheSystemPrompt() {
        ChatRequest chat = translate(PLAIN, """
                {"model": "m", "max_tokens": 10,
                 "system": [{"type": "text", "text": "x-anthropic-billing-header: cc_version=2.1.197.a3c; cc_entrypoint=cli; cch=4e1f2;"},
                            {"type": "text", "text": "You are Claude Code."}],
                 "messages": [{"role": "user", "content": "hi"}]}""");

        assertThat(chat.body().path("messages").path(0).toString())
                .isEqualTo("{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"You are Claude Code.\"}]}");
    }

    @Test
    void aSystemPromptOfOnlyTheAttributionBlockSendsNoSystemMessage() {
        ChatRequest chat = translate(PLAIN, """
                {"model": "m", "max_tokens": 10,
                 "system": [{"type": "text", "text": "x-anthropic-billing-header: cc_version=2.1.197.a3c; cc_entrypoint=cli;"}],
                 "messages": [{"role": "user", "content": "hi"}]}""");

        assertThat(chat.body().path("messages").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"}]");
    }

    @Test
    void answersAToolCallThatEndsTheConversation() {
        ChatRequest chat = translate(PLAIN, """
                {"model": "m", "max_tokens": 10, "messages": [
                  {"role": "user", "content": "hi"},
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls"}}]},
                  {"role": "system", "content": "late reminder"}]}""");

        assertThat(chat.body().path("messages").toString()).isEqualTo("""
                [{"role":"user","content":"hi"},\
                {"role":"assistant","content":null,"tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"Bash","arguments":"{\\"command\\":\\"ls\\"}"}}]},\
                {"role":"tool","tool_call_id":"toolu_1","content":"Tool call was interrupted: no result was recorded."},\
                {"role":"system","content":"late reminder"}]""");
    }

    /** Two assistant messages in a row are one turn, as Anthropic's API takes them: one message, its calls after it. */
    @Test
    void consecutiveAssistantMessagesAreOneTurnWhoseOpenCallsAreAnsweredBeforeTheNextUserTurn() {
        ChatRequest chat = translate(PLAIN, """
                {"model": "m", "max_tokens": 10, "messages": [
                  {"role": "user", "content": "hi"},
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {}}]},
                  {"role": "assistant", "content": "Never mind."},
                  {"role": "user", "content": "ok"}]}""");

        assertThat(chat.body().path("messages").toString()).isEqualTo("""
                [{"role":"user","content":"hi"},\
                {"role":"assistant","content":"Never mind.","tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"Bash","arguments":"{}"}}]},\
                {"role":"tool","tool_call_id":"toolu_1","content":"Tool call was interrupted: no result was recorded."},\
                {"role":"user","content":"ok"}]""");
    }

    @Test
    void dropsAssistantTurnsWithNothingToReplay() {
        ChatRequest chat = translate(CACHING, """
                {"model": "m", "max_tokens": 10, "messages": [
                  {"role": "user", "content": "hi"},
                  {"role": "assistant", "content": [{"type": "thinking", "thinking": "hm", "signature": "sig"}, {"type": "text", "text": ""}]},
                  {"role": "assistant", "content": ""},
                  {"role": "user", "content": "again"}]}""");

        assertThat(chat.body().path("messages").toString())
                .isEqualTo("[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"user\",\"content\":\"again\"}]");
    }

    @Test
    void keepsAStringSystemPromptAsOneTextPart() {
        ChatRequest chat = translate(PLAIN, """
                {"model": "m", "max_tokens": 10, "system": "Be brief.", "messages": [{"role": "user", "content": "hi"}]}""");

        assertThat(chat.body().path("messages").get(0).toString())
                .isEqualTo("{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Be brief.\"}]}");
    }

    @Test
    void keepsCacheMarkersOfToolResultTextAsPartsAndMarksErrors() {
        ChatRequest chat = translate(CACHING, """
                {"model": "m", "max_tokens": 10, "messages": [
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {}}]},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "is_error": true, "content": [
                    {"type": "text", "text": "exit 1", "cache_control": {"type": "ephemeral"}}, {"type": "text", "text": "stderr: boom"}]}]}]}""");

        assertThat(chat.body().path("messages").get(1).toString()).isEqualTo("""
                {"role":"tool","tool_call_id":"toolu_1","content":[\
                {"type":"text","text":"Error: exit 1","cache_control":{"type":"ephemeral"}},\
                {"type":"text","text":"stderr: boom"}]}""");
    }

    @Test
    void movesImageOnlyToolResultsToTheFollowingUserMessage() {
        ChatRequest chat = translate(PLAIN, """
                {"model": "m", "max_tokens": 10, "messages": [
                  {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "Read", "input": {}}]},
                  {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": [
                    {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}]}]}]}""");

        assertThat(chat.body().path("messages").toString()).endsWith("""
                {"role":"tool","tool_call_id":"toolu_1","content":""},\
                {"role":"user","content":[{"type":"text","text":"Attachments from tool result toolu_1:"},\
                {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}]""");
    }

    @Test
    void stripsSchemaKeywordsFromTheResponseFormatToo() {
        UpstreamTarget strict = new UpstreamTarget("claude", "deepseek/deepseek-chat",
                ModelCapabilities.PLAIN.withSchemaKeywordsToStrip(Set.of("$schema", "additionalProperties")));

        ChatRequest chat = translate(strict, """
                {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}],
                 "output_config": {"format": {"type": "json_schema", "schema": {"$schema": "x", "type": "object", "additionalProperties": false}}}}""");

        assertThat(chat.body().path("response_format").toString()).isEqualTo(
                "{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"output\",\"schema\":{\"type\":\"object\"},\"strict\":true}}");
    }

    @Test
    void toleratesUnknownFieldsAndNulls() {
        ChatRequest chat = translate(PLAIN, """
                {"model": "m", "max_tokens": 10, "stream": null, "temperature": null, "system": null, "tools": null,
                 "future_field": {"x": 1},
                 "messages": [{"role": "user", "content": [{"type": "text", "text": "hi", "citations": null, "extra": 1}]}]}""");

        assertThat(chat.body().toString()).isEqualTo(
                "{\"model\":\"deepseek/deepseek-chat\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],\"max_tokens\":10}");
        assertThat(chat.stopSequences()).isEqualTo(List.of());
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private ChatRequest translate(UpstreamTarget target, String body) {
        return translator.translate(parse(body), target, null);
    }

    private static String minimal() {
        return "{\"model\": \"m\", \"max_tokens\": 10, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}";
    }

    /** The named fields of the body, in body order, as compact JSON. */
    private static String pick(JsonNode body, String... fields) {
        var picked = RequestFixtures.JSON.createObjectNode();
        body.properties().stream()
                .filter(field -> List.of(fields).contains(field.getKey()))
                .forEach(field -> picked.set(field.getKey(), field.getValue()));
        return picked.toString();
    }

    private static JsonNode parse(String json) {
        try {
            return RequestFixtures.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
