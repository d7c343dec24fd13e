package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.translate.Dialect.ReasoningReplay;
import dev.ccrouter.translate.Dialect.ReasoningRequest;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The capabilities that presets added: one test each for what the upstream receives. */
class CapabilityShapingTest {
    private static final ModelCapabilities PLAIN = ModelCapabilities.PLAIN;
    private static final ModelCapabilities MISTRAL = new ModelCapabilities(false, false, false, null, null, 64,
            Set.of(), 4, true, true, ToolCallIdFormat.ALNUM9, true, true, false);
    private static final ModelCapabilities TEXT_ONLY = new ModelCapabilities(false, false, false, null, null, 64,
            Set.of(), 4, false, true, ToolCallIdFormat.ANY, true, true, false);
    private static final ModelCapabilities NO_PDFS = new ModelCapabilities(false, false, false, null, null, 64,
            Set.of(), 4, true, false, ToolCallIdFormat.ANY, true, true, false);
    private static final ModelCapabilities NO_PARALLEL_SWITCH = new ModelCapabilities(false, false, false, null, null,
            64, Set.of(), 4, true, true, ToolCallIdFormat.ANY, false, true, false);
    private static final ModelCapabilities AUTO_ONLY = new ModelCapabilities(false, false, false, null, null,
            64, Set.of(), 4, true, true, ToolCallIdFormat.ANY, true, false, false);

    private static final String TWO_TOOL_TURNS = """
            {"model": "m", "max_tokens": 100,
             "messages": [
               {"role": "user", "content": "go"},
               {"role": "assistant", "content": [
                 {"type": "tool_use", "id": "toolu_01A9Xq", "name": "Bash", "input": {}},
                 {"type": "tool_use", "id": "aB3dE5gH7", "name": "Bash", "input": {}}]},
               {"role": "user", "content": [
                 {"type": "tool_result", "tool_use_id": "toolu_01A9Xq", "content": "one"},
                 {"type": "tool_result", "tool_use_id": "aB3dE5gH7", "content": "two"}]}]}""";

    private final MessagesRequestTranslator translator = new MessagesRequestTranslator(RequestFixtures.JSON);

    @Test
    void mistralGetsNineAlphanumericIdsThatPairCallsWithResults() {
        JsonNode messages = translate(MISTRAL, Dialect.OPENAI_COMPATIBLE, TWO_TOOL_TURNS).get("messages");

        String mapped = messages.get(1).get("tool_calls").get(0).get("id").asText();
        assertThat(mapped).matches("[a-zA-Z0-9]{9}").isNotEqualTo("toolu_01A9Xq");
        assertThat(messages.get(2).get("tool_call_id").asText()).isEqualTo(mapped);
        // an id already in Mistral's shape (one Mistral issued) goes back as it is
        assertThat(messages.get(1).get("tool_calls").get(1).get("id").asText()).isEqualTo("aB3dE5gH7");
        assertThat(messages.get(3).get("tool_call_id").asText()).isEqualTo("aB3dE5gH7");
    }

    @Test
    void theNineCharacterIdOfACallIsTheSameInEveryLaterRequest() {
        String first = translate(MISTRAL, Dialect.OPENAI_COMPATIBLE, TWO_TOOL_TURNS)
                .get("messages").get(1).get("tool_calls").get(0).get("id").asText();
        String again = ToolCallIdFormat.ALNUM9.upstream("toolu_01A9Xq");

        assertThat(again).isEqualTo(first);
        assertThat(ToolCallIdFormat.ALNUM9.upstream("toolu_01A9Xr")).isNotEqualTo(first);
        assertThat(ToolCallIdFormat.ANY.upstream("toolu_01A9Xq")).isEqualTo("toolu_01A9Xq");
    }

    @Test
    void otherProvidersKeepTheClientsIds() {
        JsonNode messages = translate(PLAIN, Dialect.OPENAI_COMPATIBLE, TWO_TOOL_TURNS).get("messages");

        assertThat(messages.get(1).get("tool_calls").get(0).get("id").asText()).isEqualTo("toolu_01A9Xq");
    }

    @Test
    void aModelWithoutImageInputGetsANoteInsteadOfTheImage() {
        String request = """
                {"model": "m", "max_tokens": 100,
                 "messages": [{"role": "user", "content": [
                   {"type": "text", "text": "what is this?"},
                   {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]}]}""";

        JsonNode textOnly = translate(TEXT_ONLY, Dialect.OPENAI_COMPATIBLE, request).get("messages").get(0).get("content");
        JsonNode withImages = translate(PLAIN, Dialect.OPENAI_COMPATIBLE, request).get("messages").get(0).get("content");

        assertThat(textOnly.toString()).isEqualTo("""
                [{"type":"text","text":"what is this?"},\
                {"type":"text","text":"[Image omitted: this model cannot read images.]"}]""");
        assertThat(withImages.get(1).get("type").asText()).isEqualTo("image_url");
    }

    @Test
    void imagesInToolResultsAreNotedToo() {
        String request = """
                {"model": "m", "max_tokens": 100,
                 "messages": [
                   {"role": "user", "content": "screenshot"},
                   {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Shot", "input": {}}]},
                   {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": [
                     {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]}]}]}""";

        JsonNode messages = translate(TEXT_ONLY, Dialect.OPENAI_COMPATIBLE, request).get("messages");

        assertThat(messages.toString()).doesNotContain("image_url").doesNotContain("iVBORw0KGgo=")
                .contains("[Image omitted: this model cannot read images.]");
    }

    @Test
    void aProviderWithoutPdfsGetsANoteInsteadOfThePdfNamedByItsTitle() {
        String request = """
                {"model": "m", "max_tokens": 100,
                 "messages": [{"role": "user", "content": [
                   {"type": "document", "title": "invoice.pdf",
                    "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQK"}},
                   {"type": "document", "source": {"type": "url", "url": "https://example.com/spec.pdf"}},
                   {"type": "text", "text": "sum these up"}]}]}""";

        JsonNode noPdfs = translate(NO_PDFS, Dialect.OPENAI_COMPATIBLE, request).get("messages").get(0).get("content");
        JsonNode withPdfs = translate(PLAIN, Dialect.OPENAI_COMPATIBLE, request).get("messages").get(0).get("content");

        assertThat(noPdfs.toString()).isEqualTo("""
                [{"type":"text","text":"invoice.pdf\\n\\n[PDF omitted: PDF files cannot be sent to this model.]"},\
                {"type":"text","text":"[PDF omitted: PDF files cannot be sent to this model.]"},\
                {"type":"text","text":"sum these up"}]""");
        assertThat(withPdfs.toString()).isEqualTo("""
                [{"type":"file","file":{"filename":"invoice.pdf","file_data":"data:application/pdf;base64,\
                JVBERi0xLjQK"}},\
                {"type":"file","file":{"filename":"document.pdf","file_data":"https://example.com/spec.pdf"}},\
                {"type":"text","text":"sum these up"}]""");
    }

    @Test
    void aPdfClaudeCodeReadIsNotedInItsToolResultAndPlainTextDocumentsStillGo() {
        String request = """
                {"model": "m", "max_tokens": 100,
                 "messages": [
                   {"role": "user", "content": "read the paper"},
                   {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Read",
                                                      "input": {"file_path": "/tmp/paper.pdf"}}]},
                   {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": [
                     {"type": "document", "source": {"type": "base64", "media_type": "application/pdf",
                                                     "data": "JVBERi0xLjQK"}},
                     {"type": "document", "source": {"type": "text", "media_type": "text/plain",
                                                     "data": "notes.txt: hello"}}]}]}]}""";

        JsonNode messages = translate(NO_PDFS, Dialect.OPENAI_COMPATIBLE, request).get("messages");

        assertThat(messages.toString()).doesNotContain("\"file\"").doesNotContain("JVBERi0xLjQK");
        assertThat(messages.get(2).get("role").asText()).isEqualTo("tool");
        assertThat(messages.get(2).get("content").asText())
                .isEqualTo("[PDF omitted: PDF files cannot be sent to this model.]\nnotes.txt: hello");
    }

    @Test
    void parallelToolCallsIsLeftOutWhereTheUpstreamDoesNotTakeIt() {
        String request = """
                {"model": "m", "max_tokens": 100,
                 "tools": [{"name": "Bash", "input_schema": {"type": "object"}}],
                 "tool_choice": {"type": "auto", "disable_parallel_tool_use": true},
                 "messages": [{"role": "user", "content": "go"}]}""";

        assertThat(translate(PLAIN, Dialect.OPENAI_COMPATIBLE, request).get("parallel_tool_calls").asBoolean())
                .isFalse();
        assertThat(translate(NO_PARALLEL_SWITCH, Dialect.OPENAI_COMPATIBLE, request).has("parallel_tool_calls"))
                .isFalse();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "{\"type\": \"any\"}                  | \"required\"                                       | \"auto\"",
            "{\"type\": \"tool\", \"name\": \"Bash\"} | {\"type\":\"function\",\"function\":{\"name\":\"Bash\"}} | \"auto\"",
            "{\"type\": \"none\"}                 | \"none\"                                           | \"none\"",
            "{\"type\": \"auto\"}                 | \"auto\"                                           | \"auto\"",
    })
    void aForcedToolChoiceBecomesAutoWhereTheUpstreamRefusesIt(String clientChoice, String forced, String autoOnly) {
        String request = """
                {"model": "m", "max_tokens": 100,
                 "tools": [{"name": "Bash", "input_schema": {"type": "object"}}],
                 "tool_choice": %s,
                 "messages": [{"role": "user", "content": "go"}]}""".formatted(clientChoice);

        assertThat(translate(PLAIN, Dialect.OPENAI_COMPATIBLE, request).get("tool_choice").toString()).isEqualTo(forced);
        assertThat(translate(AUTO_ONLY, Dialect.OPENAI_COMPATIBLE, request).get("tool_choice").toString())
                .isEqualTo(autoOnly);
    }

    @Test
    void enableThinkingIsOnlyTrueInStreamsAndAlwaysFalseOtherwise() {
        Dialect qwen = new Dialect(ReasoningRequest.ENABLE_THINKING, ReasoningReplay.NONE, false, true, "max_tokens");
        String streaming = """
                {"model": "m", "max_tokens": 32000, "stream": true, "thinking": {"type": "enabled", "budget_tokens": 4096},
                 "messages": [{"role": "user", "content": "hi"}]}""";
        String whole = streaming.replace("\"stream\": true", "\"stream\": false");
        String plain = """
                {"model": "m", "max_tokens": 100, "stream": true, "messages": [{"role": "user", "content": "hi"}]}""";

        assertThat(translate(PLAIN, qwen, streaming).get("enable_thinking").asBoolean()).isTrue();
        assertThat(translate(PLAIN, qwen, whole).get("enable_thinking").asBoolean()).isFalse();
        assertThat(translate(PLAIN, qwen, plain).has("enable_thinking")).isFalse();
    }

    private JsonNode translate(ModelCapabilities caps, Dialect dialect, String request) {
        try {
            return translator.translate(RequestFixtures.JSON.readTree(request),
                    new UpstreamTarget("claude", "model-x", caps, dialect), null).body();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
