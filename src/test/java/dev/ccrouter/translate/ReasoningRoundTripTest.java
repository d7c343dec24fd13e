package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.translate.Dialect.ReasoningReplay;
import dev.ccrouter.translate.Dialect.ReasoningRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

/**
 * The way back: what a provider requires on the next turn leaves the gateway in one answer, passes through the
 * client as Anthropic content, and goes up on the next request exactly as it came.
 */
class ReasoningRoundTripTest {
    private static final Dialect GEMINI =
            new Dialect(ReasoningRequest.REASONING_EFFORT, ReasoningReplay.THOUGHT_SIGNATURES, false, true, "max_tokens");
    private static final Dialect DEEPSEEK =
            new Dialect(ReasoningRequest.THINKING_TYPE, ReasoningReplay.REASONING_CONTENT, false, true, "max_tokens");

    private static final String GEMINI_TEXT_1 =
            "{\"type\":\"reasoning.text\",\"text\":\"Let me\",\"format\":\"google-gemini-v1\",\"index\":0}";
    private static final String GEMINI_TEXT_2 =
            "{\"type\":\"reasoning.text\",\"text\":\" list files.\",\"format\":\"google-gemini-v1\",\"index\":0}";
    private static final String GEMINI_ENCRYPTED = "{\"type\":\"reasoning.encrypted\",\"data\":\"CiQBjz1rX0sig==\","
            + "\"id\":\"tool_Bash_7f3a\",\"format\":\"google-gemini-v1\",\"index\":1}";

    private final MessagesRequestTranslator requests = new MessagesRequestTranslator(Fixtures.JSON);

    @Test
    void geminiDetailsOnOpenRouterGoBackWithTheirFormatIdAndOrder() {
        ObjectNode message = streamed(
                chunk("{\"reasoning\":\"Let me\",\"reasoning_details\":[" + GEMINI_TEXT_1 + "]}"),
                chunk("{\"reasoning\":\" list files.\",\"reasoning_details\":[" + GEMINI_TEXT_2 + "]}"),
                chunk("{\"reasoning_details\":[" + GEMINI_ENCRYPTED + "],\"tool_calls\":[{\"index\":0,"
                        + "\"id\":\"tool_Bash_7f3a\",\"type\":\"function\",\"function\":{\"name\":\"Bash\","
                        + "\"arguments\":\"{\\\"command\\\":\\\"ls\\\"}\"}}]}"),
                finish("tool_calls"));

        assertThat(message.at("/content/0/type").asText()).isEqualTo("thinking");
        assertThat(message.at("/content/0/thinking").asText()).isEqualTo("Let me list files.");
        JsonNode replayed = nextRequest(message, Dialect.OPENROUTER).at("/messages/1");

        assertThat(replayed.get("reasoning_details")).isEqualTo(json("""
                [{"type":"reasoning.text","text":"Let me list files.","format":"google-gemini-v1","index":0},
                 {"type":"reasoning.encrypted","data":"CiQBjz1rX0sig==","id":"tool_Bash_7f3a",
                  "format":"google-gemini-v1","index":1}]"""));
        assertThat(replayed.toString()).doesNotContain("anthropic-claude-v1").doesNotContain("ccr1.");
    }

    @Test
    void openAiDetailsThatArriveAfterTheAnswerBeganGoBackInTheirOrder() {
        ObjectNode message = streamed(
                chunk("{\"reasoning_details\":[{\"type\":\"reasoning.summary\",\"summary\":\"**Planning**\","
                        + "\"format\":\"openai-responses-v1\",\"index\":0}]}"),
                chunk("{\"content\":\"Done.\"}"),
                chunk("{\"reasoning_details\":[{\"type\":\"reasoning.encrypted\",\"data\":\"gAAAAB\",\"id\":\"rs_1\","
                        + "\"format\":\"openai-responses-v1\",\"index\":1}]}"),
                finish("stop"));

        assertThat(message.at("/content/0/thinking").asText()).isEqualTo("**Planning**");
        assertThat(message.at("/content/1/text").asText()).isEqualTo("Done.");
        assertThat(message.at("/content/2/type").asText()).isEqualTo("redacted_thinking");
        JsonNode replayed = nextRequest(message, Dialect.OPENROUTER).at("/messages/1");

        assertThat(replayed.get("reasoning_details")).isEqualTo(json("""
                [{"type":"reasoning.summary","summary":"**Planning**","format":"openai-responses-v1","index":0},
                 {"type":"reasoning.encrypted","data":"gAAAAB","id":"rs_1","format":"openai-responses-v1","index":1}]"""));
    }

    @Test
    void aDetailThatArrivesInTheMiddleOfTheAnswerLeavesTheAnswerOneTextBlock() {
        ObjectNode message = streamed(
                chunk("{\"content\":\"Hi\"}"),
                chunk("{\"content\":\" there.\",\"reasoning_details\":[" + GEMINI_ENCRYPTED + "]}"),
                chunk("{\"content\":\" Bye.\"}"),
                finish("stop"));

        assertThat(message.get("content")).hasSize(2);
        assertThat(message.at("/content/0/text").asText()).isEqualTo("Hi there. Bye.");
        assertThat(message.at("/content/1/type").asText()).isEqualTo("redacted_thinking");
        assertThat(nextRequest(message, Dialect.OPENROUTER).at("/messages/1/reasoning_details")).isEqualTo(json("""
                [{"type":"reasoning.encrypted","data":"CiQBjz1rX0sig==","id":"tool_Bash_7f3a",
                  "format":"google-gemini-v1","index":1}]"""));
    }

    @Test
    void geminisThoughtSignatureGoesBackOnItsToolCall() {
        ObjectNode message = new ChatResponseTranslator(Fixtures.JSON).translate(json("""
                {"id":"c1","object":"chat.completion","choices":[{"index":0,"finish_reason":"tool_calls",
                 "message":{"role":"assistant","content":null,"tool_calls":[
                   {"id":"call_a","type":"function","function":{"name":"Bash","arguments":"{\\"command\\":\\"ls\\"}"},
                    "extra_content":{"google":{"thought_signature":"EtUBCtIBAdHtim9"}}},
                   {"id":"call_b","type":"function","function":{"name":"Bash","arguments":"{\\"command\\":\\"pwd\\"}"}}]}}],
                 "usage":{"prompt_tokens":10,"completion_tokens":5}}"""), Fixtures.context("response", "none"))
                .toJson(Fixtures.JSON);

        JsonNode calls = nextRequest(message, GEMINI).at("/messages/1/tool_calls");

        assertThat(calls.get(0).get("extra_content")).isEqualTo(
                json("{\"google\":{\"thought_signature\":\"EtUBCtIBAdHtim9\"}}"));
        assertThat(calls.get(1).has("extra_content")).isFalse();
        assertThat(nextRequest(message, Dialect.OPENROUTER).toString()).doesNotContain("ccr1.")
                .doesNotContain("EtUBCtIBAdHtim9");
    }

    @Test
    void aToolCallingTurnWithoutSignaturesGetsGeminisStandIn() {
        JsonNode calls = translate(GEMINI, """
                {"model":"m","max_tokens":100,"messages":[
                  {"role":"user","content":"go"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]}]}""")
                .at("/messages/1/tool_calls");

        assertThat(calls.get(0).at("/extra_content/google/thought_signature").asText())
                .isEqualTo("skip_thought_signature_validator");
    }

    @Test
    void deepSeeksReasoningContentGoesBackOnTheToolCallingTurn() {
        ObjectNode message = streamed(
                chunk("{\"reasoning_content\":\"I need the file list.\"}"),
                chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_0\",\"type\":\"function\",\"function\":"
                        + "{\"name\":\"Bash\",\"arguments\":\"{}\"}}]}"),
                finish("tool_calls"));

        JsonNode replayed = nextRequest(message, DEEPSEEK).at("/messages/1");

        assertThat(replayed.get("reasoning_content").asText()).isEqualTo("I need the file list.");
        assertThat(replayed.at("/tool_calls/0/id").asText()).isEqualTo("call_0");
    }

    /** The folded Message of a stream. */
    private static ObjectNode streamed(String... chunks) {
        MessageFold fold = new MessageFold();
        ChatStreamTranslator translator = new ChatStreamTranslator(Fixtures.JSON,
                Fixtures.context("stream", "none"), fold);
        translator.start();
        for (String chunk : chunks) {
            translator.onChunk(json(chunk));
        }
        translator.onDone();
        assertThat(translator.failure()).isNull();
        return fold.message().toJson(Fixtures.JSON);
    }

    /** The request Claude Code sends next: the answer as the assistant turn, then the results of its tool calls. */
    private JsonNode nextRequest(ObjectNode answer, Dialect dialect) {
        ObjectNode request = (ObjectNode) json("{\"model\":\"m\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"go\"}]}");
        ArrayNode messages = (ArrayNode) request.get("messages");
        messages.addObject().put("role", "assistant").set("content", answer.get("content"));
        ArrayNode results = messages.addObject().put("role", "user").putArray("content");
        for (JsonNode block : answer.get("content")) {
            if (block.path("type").asText().equals("tool_use")) {
                results.addObject().put("type", "tool_result").put("tool_use_id", block.get("id").asText())
                        .put("content", "ok");
            }
        }
        if (results.isEmpty()) {
            results.addObject().put("type", "text").put("text", "thanks");
        }
        return requests.translate(request, new UpstreamTarget("m", "m", ModelCapabilities.PLAIN, dialect), null).body();
    }

    private JsonNode translate(Dialect dialect, String request) {
        return requests.translate(json(request), new UpstreamTarget("m", "m", ModelCapabilities.PLAIN, dialect), null)
                .body();
    }

    private static String chunk(String delta) {
        return "{\"id\":\"g\",\"choices\":[{\"index\":0,\"delta\":" + delta + "}]}";
    }

    private static String finish(String reason) {
        return "{\"id\":\"g\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"" + reason + "\"}],"
                + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}";
    }

    private static JsonNode json(String text) {
        try {
            return Fixtures.JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
