package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.api.anthropic.SseFrames;
import dev.ccrouter.testing.AnthropicStreamGrammar;
import dev.ccrouter.testing.AnthropicStreamGrammar.Frame;
import dev.ccrouter.testing.AnthropicStreamGrammar.Outcome;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever an upstream streams, the client gets a well-formed Anthropic stream: any sequence of chat-completion
 * chunks — text, reasoning in every spelling the translator reads ({@code reasoning}, {@code reasoning_content},
 * {@code reasoning_details} of any format), tool-call fragments with or without index and id and with split
 * arguments, usage in every place and with wrong types, known, unknown and failing finish reasons, refusals, empty
 * choices, malformed fields — ended by {@code [DONE]}, by the end of the body, or by a break at any point, is
 * translated (as {@code relay/StreamRelay} drives the translator) into SSE that the grammar checker and the official
 * SDK (every event {@code validate()}d) accept, ending in exactly one {@code message_stop} or one {@code error}, with
 * every tool input a JSON object when it completes. A bounded run (200 tries, junit-platform.properties) is part of
 * the suite; {@code mvn test -Dtest=StreamTranslationPropertiesTest -Djqwik.tries.default=20000} runs a long one.
 */
class StreamTranslationPropertiesTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** How the upstream body ends after the generated chunks. */
    enum Ending { DONE, DONE_THEN_END, END_OF_BODY, BROKEN }

    /** One generated upstream stream. */
    record UpstreamStream(List<JsonNode> chunks, Ending ending) {
        @Override
        public String toString() {
            return chunks + " then " + ending;
        }
    }

    @Property
    void anyUpstreamStreamBecomesAValidAnthropicStream(@ForAll("streams") UpstreamStream upstream) {
        SseFrames.Writer sse = new SseFrames.Writer(Fixtures.JSON.getFactory(), 1024);
        ChatStreamTranslator translator = new ChatStreamTranslator(Fixtures.JSON, Fixtures.context("stream", "none"),
                sse::event);

        translator.start();
        for (JsonNode chunk : upstream.chunks()) {
            if (translator.ended()) {
                break; // the relay stops reading once the translator has ended
            }
            translator.onChunk(chunk);
        }
        if (!translator.ended()) {
            switch (upstream.ending()) {
                case DONE -> translator.onDone();
                case DONE_THEN_END -> {
                    translator.onDone();
                    translator.onEndOfStream();
                }
                case END_OF_BODY -> translator.onEndOfStream();
                case BROKEN -> translator.onUpstreamBroken(AnthropicError.of(ErrorType.API,
                        "The upstream connection broke mid-stream."));
            }
        }

        assertThat(translator.ended()).isTrue();
        String text = Fixtures.sent(sse);
        Outcome outcome = AnthropicStreamGrammar.check(text);
        List<String> events = AnthropicStreamGrammar.parse(text).stream().map(Frame::event).toList();
        long endings = events.stream().filter(e -> e.equals("message_stop") || e.equals("error")).count();
        assertThat(endings).as("exactly one message_stop or error").isEqualTo(1);
        assertThat(events.getLast()).isIn("message_stop", "error");
        assertThat(translator.failure() == null).isEqualTo(outcome.completed());
        if (outcome.completed()) {
            for (JsonNode block : outcome.message().path("content")) {
                if (block.path("type").asText().equals("tool_use")) {
                    assertThat(block.path("input").isObject()).as("tool input %s", block).isTrue();
                }
            }
        }
        Statistics.label("outcome").collect(outcome.completed() ? "message_stop"
                : "error: " + outcome.error().path("error").path("message").asText().replaceAll("[0-9]+", "N"));
        // checked, not only printed: a generator whose streams nearly all failed would leave the completed path untried
        Statistics.label("outcome").coverage(coverage -> coverage.check("message_stop").percentage(share -> share > 20));
        Statistics.label("tool_use blocks in completed streams").collect(!outcome.completed() ? "-"
                : String.valueOf(outcome.message().findValues("type").stream().filter(t -> t.asText().equals("tool_use")).count()));
    }

    /** Found by the property: a call whose fragments never carried a name became a {@code tool_use} named "". */
    @Example
    void aToolCallThatNeverGotANameEndsTheStreamWithAnError() {
        SseFrames.Writer sse = new SseFrames.Writer(Fixtures.JSON.getFactory(), 1024);
        ChatStreamTranslator translator = new ChatStreamTranslator(Fixtures.JSON, Fixtures.context("stream", "none"),
                sse::event);
        translator.onChunk(Fixtures.readJson("""
                {"choices":[{"index":0,"delta":{"content":"Listing.","tool_calls":[{"index":0,"id":"call_1",\
                "function":{"arguments":"{\\"command\\":\\"ls\\"}"}}]},"finish_reason":"tool_calls"}]}"""));
        translator.onDone();

        String text = Fixtures.sent(sse);
        assertThat(AnthropicStreamGrammar.parse(text).stream().map(Frame::event).toList()).containsExactly(
                "message_start", "content_block_start", "content_block_delta", "error");
        assertThat(AnthropicStreamGrammar.check(text).error().toString()).isEqualTo("{\"type\":\"error\",\"error\":"
                + "{\"type\":\"api_error\",\"message\":\"The upstream sent a tool call without a function name; "
                + "the response is unusable.\"}}");
    }

    @Provide
    Arbitrary<UpstreamStream> streams() {
        // Most real streams end with a finish reason (and a usage chunk): one is appended to two in three streams, so
        // that completed streams are as well explored as failed ones.
        Arbitrary<List<JsonNode>> chunks = Combinators.combine(chunk().list().ofMaxSize(14),
                Arbitraries.of("stop", "tool_calls", "length").injectNull(0.33), usage().injectNull(0.5))
                .as((body, finish, usage) -> {
                    List<JsonNode> all = new ArrayList<>(body);
                    if (finish != null) {
                        ObjectNode last = NODES.objectNode();
                        last.putArray("choices").addObject().put("index", 0).put("finish_reason", finish)
                                .putObject("delta");
                        all.add(last);
                    }
                    if (usage != null) {
                        ObjectNode usageChunk = NODES.objectNode();
                        usageChunk.putArray("choices");
                        usageChunk.set("usage", usage);
                        all.add(usageChunk);
                    }
                    return all;
                });
        return Combinators.combine(chunks, Arbitraries.frequency(
                        Tuple.of(4, Ending.DONE_THEN_END), Tuple.of(2, Ending.DONE), Tuple.of(1, Ending.END_OF_BODY),
                        Tuple.of(1, Ending.BROKEN)))
                .as(UpstreamStream::new);
    }

    // ---- one chunk ---------------------------------------------------------------------------------------------

    private static Arbitrary<JsonNode> chunk() {
        return Arbitraries.frequencyOf(
                weighted(30, choiceChunk()),
                weighted(6, usageChunk()),
                weighted(1, errorChunk()),
                weighted(2, malformedChunk()));
    }

    private static Tuple2<Integer, Arbitrary<? extends JsonNode>> weighted(int weight,
            Arbitrary<? extends JsonNode> arbitrary) {
        return Tuple.of(weight, arbitrary);
    }

    /** A chunk with one choice (sometimes another index too), a delta and maybe a finish reason and usage. */
    private static Arbitrary<JsonNode> choiceChunk() {
        return Combinators.combine(delta(), finishReason(), choiceIndex(), usage().injectNull(0.8))
                .as((delta, finish, index, usage) -> {
                    ObjectNode chunk = NODES.objectNode().put("id", "gen-1").put("object", "chat.completion.chunk");
                    ObjectNode choice = chunk.putArray("choices").addObject();
                    choice.set("index", index);
                    choice.set("delta", delta);
                    choice.set("finish_reason", finish);
                    if (usage != null) {
                        chunk.set("usage", usage);
                    }
                    return chunk;
                });
    }

    private static Arbitrary<JsonNode> choiceIndex() {
        return Arbitraries.frequencyOf(
                weighted(10, Arbitraries.just(NODES.numberNode(0))),
                weighted(1, Arbitraries.just(NODES.numberNode(1))),
                weighted(1, Arbitraries.just(NODES.missingNode())),
                weighted(1, Arbitraries.just(NODES.textNode("0"))));
    }

    private static Arbitrary<JsonNode> finishReason() {
        return Arbitraries.frequencyOf(
                weighted(12, Arbitraries.just(NODES.nullNode())),
                weighted(2, Arbitraries.of("stop", "length", "tool_calls", "content_filter", "function_call")
                        .map(NODES::textNode)),
                weighted(1, Arbitraries.of("end_turn", "max_tokens", "weird", "").map(NODES::textNode)),
                weighted(1, Arbitraries.of("error", "network_error", "insufficient_system_resource", "abort")
                        .map(NODES::textNode).injectNull(0.6).map(r -> r == null ? NODES.nullNode() : r)),
                weighted(1, Arbitraries.just(NODES.numberNode(3))));
    }

    /** A delta with any mix of the fields the translator reads, each well-formed or not. */
    private static Arbitrary<JsonNode> delta() {
        return Combinators.combine(
                        text().injectNull(0.5),
                        reasoning().injectNull(0.75),
                        reasoningDetails().injectNull(0.85),
                        toolCalls().injectNull(0.6),
                        Arbitraries.of("I can't help with that.", "").injectNull(0.95),
                        Arbitraries.of("assistant", "").injectNull(0.7))
                .as((content, reasoning, details, calls, refusal, role) -> {
                    ObjectNode delta = NODES.objectNode();
                    if (role != null) {
                        delta.put("role", role);
                    }
                    if (content != null) {
                        delta.set("content", content);
                    }
                    if (reasoning != null) {
                        delta.set(reasoning.path("field").asText(), reasoning.get("value"));
                    }
                    if (details != null) {
                        delta.set("reasoning_details", details);
                    }
                    if (calls != null) {
                        delta.set("tool_calls", calls);
                    }
                    if (refusal != null) {
                        delta.put("refusal", refusal);
                    }
                    return delta;
                });
    }

    private static Arbitrary<String> words() {
        return Arbitraries.of("Hi", " there", "", "ü", "\n", "{\"a\":", "\"", "\\", "}", " 😀", "</thinking>");
    }

    private static Arbitrary<JsonNode> text() {
        return Arbitraries.frequencyOf(
                weighted(8, words().map(NODES::textNode)),
                weighted(1, Arbitraries.just(NODES.numberNode(7))),
                weighted(1, Arbitraries.just(NODES.nullNode())),
                weighted(1, contentParts()));
    }

    /** Content as typed parts: text parts, Mistral's thinking parts, unknown parts. */
    private static Arbitrary<JsonNode> contentParts() {
        Arbitrary<JsonNode> part = Combinators.combine(Arbitraries.of("text", "thinking", "image_url"), words())
                .as((type, words) -> {
                    ObjectNode node = NODES.objectNode().put("type", type);
                    if (type.equals("thinking")) {
                        node.putArray("thinking").addObject().put("type", "text").put("text", words);
                    } else {
                        node.put("text", words);
                    }
                    return node;
                });
        return part.list().ofMaxSize(3).map(parts -> NODES.arrayNode().addAll(parts));
    }

    /** {@code reasoning} or {@code reasoning_content}, as a pair (field, value) for {@link #delta()}. */
    private static Arbitrary<JsonNode> reasoning() {
        return Combinators.combine(Arbitraries.of("reasoning", "reasoning_content"),
                        Arbitraries.frequencyOf(weighted(6, words().map(NODES::textNode)),
                                weighted(1, Arbitraries.just(NODES.nullNode())),
                                weighted(1, Arbitraries.just(NODES.booleanNode(true)))))
                .as((field, value) -> NODES.objectNode().put("field", field).set("value", value));
    }

    /** OpenRouter's reasoning details: Anthropic's (text with a signature, encrypted), others' formats, junk. */
    private static Arbitrary<JsonNode> reasoningDetails() {
        Arbitrary<JsonNode> detail = Combinators.combine(
                        Arbitraries.of("reasoning.text", "reasoning.summary", "reasoning.encrypted", "reasoning.other"),
                        Arbitraries.of("anthropic-claude-v1", "google-gemini-v1", "openai-responses-v1", "")
                                .injectNull(0.2),
                        words(),
                        Arbitraries.of("EqQBCkYIBxgC", "").injectNull(0.6),
                        Arbitraries.integers().between(0, 2).injectNull(0.3))
                .as((type, format, text, signature, index) -> {
                    ObjectNode node = NODES.objectNode().put("type", type);
                    if (format != null) {
                        node.put("format", format);
                    }
                    if (index != null) {
                        node.put("index", index);
                    }
                    switch (type) {
                        case "reasoning.summary" -> node.put("summary", text);
                        case "reasoning.encrypted" -> node.put("data", text.isEmpty() ? "[REDACTED]" : "enc" + text);
                        default -> node.put("text", text);
                    }
                    if (signature != null) {
                        node.put("signature", signature);
                    }
                    return node;
                });
        return detail.list().ofMaxSize(3).map(details -> NODES.arrayNode().addAll(details));
    }

    /** Tool-call fragments: with or without index and id, names, arguments split anywhere, or of the wrong type. */
    private static Arbitrary<JsonNode> toolCalls() {
        Arbitrary<JsonNode> arguments = Arbitraries.frequencyOf(
                weighted(6, Arbitraries.of("", "{", "{\"command\":", " \"ls -la\"", "}", "{\"path\":\"/tmp/ü\"}", "[1]",
                        "null", "\"x\"", "{\"a\":{\"b\":[1,2]}}").map(NODES::textNode)),
                weighted(1, Arbitraries.just(NODES.objectNode().put("command", "pwd"))),
                weighted(1, Arbitraries.just(NODES.numberNode(5))));
        Arbitrary<JsonNode> fragment = Combinators.combine(
                        Arbitraries.integers().between(0, 2).injectNull(0.25),
                        Arbitraries.of("call_1", "call_2", "toolu_01A", "").injectNull(0.6),
                        Arbitraries.of("Bash", "Read", "Bash", "").injectNull(0.15),
                        arguments.injectNull(0.1))
                .as((index, id, name, args) -> {
                    ObjectNode node = NODES.objectNode();
                    if (index != null) {
                        node.put("index", index);
                    }
                    if (id != null) {
                        node.put("id", id).put("type", "function");
                    }
                    ObjectNode function = node.putObject("function");
                    if (name != null) {
                        function.put("name", name);
                    }
                    if (args != null) {
                        function.set("arguments", args);
                    }
                    return node;
                });
        return fragment.list().ofMinSize(1).ofMaxSize(2).map(fragments -> NODES.arrayNode().addAll(fragments));
    }

    /** Usage as OpenAI, OpenRouter, DeepSeek and Groq report it, sometimes with values of the wrong type. */
    private static Arbitrary<JsonNode> usage() {
        Arbitrary<JsonNode> count = Arbitraries.frequencyOf(
                weighted(8, Arbitraries.integers().between(0, 200_000).map(n -> NODES.numberNode(n))),
                weighted(1, Arbitraries.just(NODES.textNode("12"))),
                weighted(1, Arbitraries.just(NODES.nullNode())),
                weighted(1, Arbitraries.just(NODES.numberNode(2.5))));
        return Combinators.combine(count, count, count.injectNull(0.5), count.injectNull(0.7),
                        Arbitraries.of(0.0012, 0.0).injectNull(0.5))
                .as((prompt, completion, cached, hit, cost) -> {
                    ObjectNode usage = NODES.objectNode();
                    usage.set("prompt_tokens", prompt);
                    usage.set("completion_tokens", completion);
                    if (cached != null) {
                        usage.putObject("prompt_tokens_details").set("cached_tokens", cached);
                    }
                    if (hit != null) {
                        usage.set("prompt_cache_hit_tokens", hit);
                    }
                    if (cost != null) {
                        usage.put("cost", cost);
                    }
                    return usage;
                });
    }

    /** The usage-only chunk that ends OpenRouter's streams (empty choices), or Groq's {@code x_groq.usage}. */
    private static Arbitrary<JsonNode> usageChunk() {
        return Combinators.combine(usage(), Arbitraries.of(true, false)).as((usage, groq) -> {
            ObjectNode chunk = NODES.objectNode().put("id", "gen-1");
            chunk.putArray("choices");
            if (groq) {
                chunk.putObject("x_groq").set("usage", usage);
            } else {
                chunk.set("usage", usage);
            }
            return chunk;
        });
    }

    /** OpenRouter's mid-stream error chunk. */
    private static Arbitrary<JsonNode> errorChunk() {
        return Arbitraries.of(502, 429, 400).map(code -> {
            ObjectNode chunk = NODES.objectNode();
            chunk.putObject("error").put("code", code).put("message", "Provider returned error");
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0).put("finish_reason", "error");
            choice.putObject("delta").put("content", "");
            return chunk;
        });
    }

    /** Chunks of the wrong shape where objects and arrays are expected. */
    private static Arbitrary<JsonNode> malformedChunk() {
        ObjectNode choicesObject = NODES.objectNode();
        choicesObject.putObject("choices").put("index", 0);
        ObjectNode deltaString = NODES.objectNode();
        deltaString.putArray("choices").addObject().put("index", 0).put("delta", "Hi");
        ObjectNode toolCallsObject = NODES.objectNode();
        toolCallsObject.putArray("choices").addObject().put("index", 0).putObject("delta").putObject("tool_calls")
                .put("index", 0);
        ObjectNode detailsString = NODES.objectNode();
        detailsString.putArray("choices").addObject().put("index", 0).putObject("delta")
                .put("reasoning_details", "x");
        ObjectNode usageArray = NODES.objectNode();
        usageArray.putArray("usage").add(1);
        ArrayNode notAnObject = NODES.arrayNode().add(1);
        return Arbitraries.of(NODES.objectNode(), choicesObject, deltaString, toolCallsObject, detailsString,
                usageArray, notAnObject, NODES.objectNode().put("error", (String) null), NODES.textNode("[DONE]"));
    }
}
