package dev.ccrouter.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.api.anthropic.Usage;
import dev.ccrouter.testing.AnthropicStreamGrammar;
import dev.ccrouter.testing.AnthropicStreamGrammar.Frame;
import dev.ccrouter.testing.AnthropicStreamGrammar.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The translator's lifecycle as the server drives it, and its guarantees over many generated upstream streams. */
class ChatStreamTranslatorTest {
    private final List<Frame> frames = new ArrayList<>();
    private final ChatStreamTranslator translator = new ChatStreamTranslator(Fixtures.JSON,
            Fixtures.context("stream", "none"), event -> frames.add(Frame.of(event)));

    private static JsonNode chunk(String delta, String finishReason) {
        ObjectNode chunk = Fixtures.JSON.createObjectNode();
        chunk.put("object", "chat.completion.chunk");
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        choice.set("delta", Fixtures.readJson(delta));
        choice.put("finish_reason", finishReason);
        return chunk;
    }

    private List<String> events() {
        return frames.stream().map(Frame::event).toList();
    }

    @Test
    void startsOnceAndFirst() {
        translator.start();
        translator.start();
        translator.onChunk(chunk("{\"content\":\"Hi\"}", null));
        translator.start();
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta"), events());
    }

    /**
     * Many models write "\n\n" before a tool call. A block of whitespace alone would go back in Claude Code's history,
     * where Anthropic refuses it ("text content blocks must contain non-whitespace text") should a later turn go to
     * a Claude model; whitespace opens no block, and leads the text when text follows.
     */
    @Test
    void whitespaceAloneOpensNoTextBlock() {
        translator.start();
        translator.onChunk(chunk("{\"content\":\"\\n\\n\"}", null));
        translator.onChunk(chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"Bash\",\"arguments\":\"{}\"}}]}", "tool_calls"));
        translator.onDone();

        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop"), events());
        assertEquals("tool_use", frames.get(1).data().at("/content_block/type").asText());
        assertTrue(AnthropicStreamGrammar.check(frames).completed());
    }

    /**
     * An answer that fails after its upstream sent usage (OpenRouter puts it on the very chunk whose
     * {@code finish_reason} is {@code "error"}) hands that usage to the accounting, which bills it: the provider
     * charged for it. No {@code message_delta} shows it, and {@code map} is not called.
     */
    @Test
    void aFailureThatCarriedUsageHandsItToTheAccounting() {
        BilledUsage billed = new BilledUsage();
        ChatStreamTranslator failing = billedTranslator(billed);
        failing.start();
        failing.onChunk(chunk("{\"content\":\"The partial ans\"}", null));
        ObjectNode last = (ObjectNode) chunk("{}", "error");
        last.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 3);
        failing.onChunk(last);

        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "error"), events());
        assertEquals(List.of("{\"prompt_tokens\":10,\"completion_tokens\":3}"), billed.failed);
        assertEquals(0, billed.mapped);
    }

    /** A chunk that reports an error at its top (OpenAI's, OpenRouter's mid-stream shape) is read for usage first. */
    @Test
    void usageBesideAnErrorObjectIsBilledToo() {
        BilledUsage billed = new BilledUsage();
        ChatStreamTranslator failing = billedTranslator(billed);
        failing.start();
        failing.onChunk(Fixtures.readJson("{\"error\":{\"code\":502,\"message\":\"Provider disconnected\"},"
                + "\"usage\":{\"prompt_tokens\":52000,\"completion_tokens\":0}}"));

        assertEquals(List.of("message_start", "error"), events());
        assertEquals(List.of("{\"prompt_tokens\":52000,\"completion_tokens\":0}"), billed.failed);
    }

    /** A failure without usage has nothing to bill; an answer that ends normally is billed once, by {@code map}. */
    @Test
    void onlyAFailureWithUsageIsBilledAsAFailure() {
        BilledUsage withoutUsage = new BilledUsage();
        ChatStreamTranslator failing = billedTranslator(withoutUsage);
        failing.onChunk(chunk("{\"content\":\"Partial\"}", "error"));
        failing.onEndOfStream();
        assertEquals(List.of(), withoutUsage.failed);

        BilledUsage complete = new BilledUsage();
        ChatStreamTranslator ending = billedTranslator(complete);
        ObjectNode last = (ObjectNode) chunk("{\"content\":\"Done.\"}", "stop");
        last.putObject("usage").put("prompt_tokens", 10).put("completion_tokens", 3);
        ending.onChunk(last);
        ending.onEndOfStream();
        assertEquals(List.of(), complete.failed);
        assertEquals(1, complete.mapped);
    }

    /** What the translator handed to the accounting: usage objects of failures, and how often it mapped one. */
    private static final class BilledUsage implements UsageMapper {
        final List<String> failed = new ArrayList<>();
        int mapped;

        @Override
        public Usage map(JsonNode openAiUsage, Usage estimate) {
            mapped++;
            return Fixtures.tokenUsage(false).map(openAiUsage, estimate);
        }

        @Override
        public void failed(JsonNode openAiUsage) {
            failed.add(openAiUsage.toString());
        }
    }

    private ChatStreamTranslator billedTranslator(UsageMapper billed) {
        ResponseContext context = Fixtures.context("stream", "none");
        return new ChatStreamTranslator(Fixtures.JSON, new ResponseContext(context.messageId(),
                context.requestedModel(), context.toolNames(), context.stopSequences(), billed,
                context.estimatedInputTokens(), context.toolUseIds(), context.webSearchQuery(),
                context.thinkOpenedInPrompt()), event -> frames.add(Frame.of(event)));
    }

    /** A server without a reasoning parser writes the thinking into the content, between think tags. */
    @Test
    void thinkTagsAtTheStartOfTheContentAreAThinkingBlock() {
        translator.start();
        translator.onChunk(chunk("{\"content\":\"<think>Plan\"}", null));
        translator.onChunk(chunk("{\"content\":\" it.</thi\"}", null));
        translator.onChunk(chunk("{\"content\":\"nk>\\n\\nDone.\"}", "stop"));
        translator.onDone();

        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop"), events());
        assertEquals("thinking", frames.get(1).data().at("/content_block/type").asText());
        assertEquals("Plan it.", frames.get(2).data().at("/delta/thinking").asText()
                + frames.get(3).data().at("/delta/thinking").asText());
        assertEquals("text", frames.get(5).data().at("/content_block/type").asText());
        assertEquals("Done.", frames.get(6).data().at("/delta/text").asText());
        assertTrue(AnthropicStreamGrammar.check(frames).completed());
    }

    /**
     * Text that could begin a stop sequence is held back until the next text tells; when thinking comes first, the
     * held text is its own answer's end, shown before the thinking, not moved after it.
     */
    @Test
    void textHeldForAStopSequenceIsShownBeforeThinkingThatFollowsIt() {
        ResponseContext context = new ResponseContext(Fixtures.MESSAGE_ID, "claude-sonnet-5",
                ToolNameMap.forNames(List.of(), Fixtures.TOOL_NAME_LIMIT), List.of("</block>"),
                Fixtures.tokenUsage(false), Fixtures.ESTIMATED_INPUT_TOKENS, () -> "toolu_gen_1", null);
        ChatStreamTranslator stopping = new ChatStreamTranslator(Fixtures.JSON, context,
                event -> frames.add(Frame.of(event)));
        stopping.start();
        stopping.onChunk(chunk("{\"content\":\"Use a <\"}", null));
        stopping.onChunk(chunk("{\"reasoning\":\"Which tag?\"}", null));
        stopping.onChunk(chunk("{\"content\":\"b> tag.\"}", "stop"));
        stopping.onDone();

        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_delta",
                "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"),
                events());
        assertEquals("Use a <", frames.get(2).data().at("/delta/text").asText()
                + frames.get(3).data().at("/delta/text").asText());
        assertEquals("Which tag?", frames.get(6).data().at("/delta/thinking").asText());
        assertEquals("b> tag.", frames.get(9).data().at("/delta/text").asText());
        assertEquals("end_turn", frames.get(11).data().at("/delta/stop_reason").asText());
        assertTrue(AnthropicStreamGrammar.check(frames).completed());
    }

    @Test
    void whitespaceBeforeTextLeadsIt() {
        translator.start();
        translator.onChunk(chunk("{\"content\":\" \\n\"}", null));
        translator.onChunk(chunk("{\"content\":\"Hi\"}", "stop"));
        translator.onDone();

        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop"), events());
        assertEquals(" \nHi", frames.get(2).data().at("/delta/text").asText());
    }

    @Test
    void aChunkBeforeStartStillOpensWithMessageStart() {
        translator.onChunk(chunk("{\"content\":\"Hi\"}", "stop"));
        translator.onDone();
        assertEquals("message_start", frames.get(0).event());
        assertTrue(AnthropicStreamGrammar.check(frames).completed());
    }

    @Test
    void aFailureReportedByTheServerEndsTheStreamAndLaterInputIsIgnored() {
        translator.start();
        translator.onChunk(chunk("{\"content\":\"Partial\"}", null));
        translator.onFailure(AnthropicError.of(ErrorType.TIMEOUT, "The upstream sent nothing for 300 seconds."));
        translator.onChunk(chunk("{\"content\":\" more\"}", "stop"));
        translator.onDone();
        translator.onEndOfStream();
        translator.onFailure(AnthropicError.of(ErrorType.API, "second"));
        assertTrue(translator.ended());
        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "error"), events());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"timeout_error\",\"message\":\"The upstream sent nothing for 300 seconds.\"}}",
                frames.get(3).data().toString());
        AnthropicStreamGrammar.check(frames);
    }

    @Test
    void aFailureBeforeAnyChunkStillFollowsMessageStart() {
        translator.onFailure(AnthropicError.of(ErrorType.OVERLOADED, "Overloaded"));
        assertEquals(List.of("message_start", "error"), events());
        assertFalse(AnthropicStreamGrammar.check(frames).completed());
    }

    /**
     * Providers report an error mid-stream in the shape of their error bodies: Google wraps it in an array, Mistral
     * writes it at the top. Each ends the stream with its words and the retryable type when it says it is overloaded.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[{\"error\":{\"code\":503,\"message\":\"The model is overloaded. Please try again later.\",\"status\":\"UNAVAILABLE\"}}]"
                + "|overloaded_error|The model is overloaded. Please try again later.",
        "[{\"error\":{\"code\":400,\"message\":\"Request contains an invalid argument.\",\"status\":\"INVALID_ARGUMENT\"}}]"
                + "|api_error|Request contains an invalid argument.",
        "{\"object\":\"error\",\"message\":\"Requests rate limit exceeded\",\"type\":\"rate_limited\",\"param\":null,\"code\":\"1300\"}"
                + "|overloaded_error|Requests rate limit exceeded",
        "{\"object\":\"error\",\"message\":\"Service unavailable.\",\"type\":\"internal_server_error\",\"param\":null,\"code\":\"3000\"}"
                + "|api_error|Service unavailable."})
    void anErrorInAProvidersOwnShapeEndsTheStreamWithItsWords(String errorChunk, String type, String message) {
        translator.start();
        translator.onChunk(chunk("{\"content\":\"Partial\"}", null));
        translator.onChunk(Fixtures.readJson(errorChunk));
        translator.onDone();

        assertEquals(List.of("message_start", "content_block_start", "content_block_delta", "error"), events());
        assertEquals("{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message + "\"}}",
                frames.get(3).data().toString());
    }

    @Test
    void nothingFollowsMessageStop() {
        translator.start();
        translator.onChunk(chunk("{\"content\":\"Done\"}", "stop"));
        translator.onDone();
        int count = frames.size();
        translator.onFailure(AnthropicError.of(ErrorType.API, "late"));
        translator.onEndOfStream();
        translator.onChunk(chunk("{\"content\":\"late\"}", null));
        assertEquals(count, frames.size());
        assertEquals("message_stop", frames.get(count - 1).event());
    }

    @Test
    void otherChoicesThanTheFirstAreIgnored() {
        translator.start();
        JsonNode both = Fixtures.readJson("{\"choices\":[{\"index\":1,\"delta\":{\"content\":\"B\"},\"finish_reason\":\"length\"},"
                + "{\"index\":0,\"delta\":{\"content\":\"A\"},\"finish_reason\":null}]}");
        translator.onChunk(both);
        translator.onChunk(chunk("{}", "stop"));
        translator.onDone();
        Outcome outcome = AnthropicStreamGrammar.check(frames);
        assertEquals("[{\"type\":\"text\",\"text\":\"A\"}]", outcome.message().path("content").toString());
        assertEquals("end_turn", outcome.message().path("stop_reason").asText());
    }

    // ---- generated streams: whatever the upstream sends, the grammar holds and nothing is lost or mixed ----

    private static final String[] ARGUMENTS = {
        "{\"command\":\"echo \\\"a,b\\\" | wc -c\",\"description\":\"Count\"}",
        "{\"file_path\":\"/tmp/ü.txt\",\"limit\":10}",
        "{\"pattern\":\"[{}]\",\"glob\":\"**/*.java\",\"-n\":true}",
        "{}",
        "",
    };
    private static final String[] NAMES = {"Bash", "Read", "Grep"};

    static IntStream seeds() {
        return IntStream.range(0, 400);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void generatedStreamsKeepEveryGuarantee(int seed) {
        Random random = new Random(seed);
        boolean reasoning = random.nextInt(3) > 0;
        boolean signed = reasoning && random.nextBoolean();
        boolean reusedIndex = random.nextInt(4) == 0;
        int calls = random.nextInt(4);
        List<List<String>> pieces = new ArrayList<>();
        for (int k = 0; k < calls; k++) {
            pieces.add(split(ARGUMENTS[random.nextInt(ARGUMENTS.length)], random));
        }

        List<JsonNode> chunks = new ArrayList<>();
        StringBuilder thinking = new StringBuilder();
        StringBuilder text = new StringBuilder();
        String signature = signed ? "Sig" + seed : null;
        if (reasoning) {
            for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                String part = "think" + i + " ";
                thinking.append(part);
                chunks.add(reasoningChunk(part, null, signed));
            }
        }
        // Phase two: answer text, tool-call fragments (interleaved across calls unless the server reuses index 0),
        // empty deltas, and the late signature somewhere among them.
        List<JsonNode> answer = new ArrayList<>();
        int[] next = new int[calls];
        int started = 0;
        int textParts = random.nextInt(4);
        int emitted = 0;
        while (true) {
            List<Integer> open = new ArrayList<>();
            for (int k = 0; k < started; k++) {
                if (next[k] < pieces.get(k).size() && (!reusedIndex || k == started - 1)) {
                    open.add(k);
                }
            }
            boolean canStart = started < calls && (!reusedIndex || started == 0 || next[started - 1] == pieces.get(started - 1).size());
            boolean canText = emitted < textParts;
            if (open.isEmpty() && !canStart && !canText) {
                break;
            }
            int pick = random.nextInt(3);
            if (pick == 0 && canText) {
                String part = "text" + emitted + " ";
                text.append(part);
                answer.add(chunk(Fixtures.JSON.createObjectNode().put("content", part).toString(), null));
                emitted++;
            } else if (pick == 1 && canStart) {
                answer.add(toolChunk(started, reusedIndex ? 0 : started, true, pieces.get(started).get(0)));
                next[started] = 1;
                started++;
            } else if (!open.isEmpty()) {
                int k = open.get(random.nextInt(open.size()));
                answer.add(toolChunk(k, reusedIndex ? 0 : k, false, pieces.get(k).get(next[k]++)));
            }
            if (random.nextInt(6) == 0) {
                answer.add(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
            }
        }
        if (signed) {
            answer.add(random.nextInt(answer.size() + 1), reasoningChunk("", signature, true));
        }
        chunks.addAll(answer);

        // The end: a normal finish (with or without usage, [DONE] or not), an error chunk, or a drop.
        int ending = random.nextInt(6);
        String finish = new String[] {"stop", "tool_calls", "length"}[random.nextInt(3)];
        boolean usage = random.nextBoolean();
        for (JsonNode c : chunks) {
            translator.onChunk(c);
        }
        switch (ending) {
            case 0, 1, 2 -> {
                translator.onChunk(chunk("{}", finish));
                if (usage) {
                    translator.onChunk(Fixtures.readJson("{\"choices\":[],\"usage\":{\"prompt_tokens\":900,\"completion_tokens\":77,"
                            + "\"prompt_tokens_details\":{\"cached_tokens\":100,\"cache_write_tokens\":50}}}"));
                }
                if (ending != 2) {
                    translator.onDone();
                }
                translator.onEndOfStream();
            }
            case 3 -> translator.onChunk(Fixtures.readJson("{\"error\":{\"code\":502,\"message\":\"Provider returned error\","
                    + "\"metadata\":{\"error_type\":\"provider_overloaded\"}},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
                    + "\"finish_reason\":\"error\"}]}"));
            case 4 -> translator.onEndOfStream();
            default -> {
                translator.onDone();
                translator.onEndOfStream();
            }
        }

        assertTrue(translator.ended());
        Outcome outcome = AnthropicStreamGrammar.check(frames);
        if (ending >= 3) {
            assertNull(outcome.message());
            assertEquals(ending == 3 ? "overloaded_error" : "api_error", outcome.error().path("error").path("type").asText());
            return;
        }
        // Completed: exactly [thinking?][text?][tool_use…], with everything the upstream sent, unmixed.
        ArrayNode expected = Fixtures.JSON.createArrayNode();
        if (reasoning) {
            expected.addObject().put("type", "thinking").put("thinking", thinking.toString()).put("signature", signed ? signature : "");
        }
        if (!text.isEmpty()) {
            expected.addObject().put("type", "text").put("text", text.toString());
        }
        for (int k = 0; k < calls; k++) {
            ObjectNode tool = expected.addObject().put("type", "tool_use").put("id", "call_" + k).put("name", NAMES[k % NAMES.length]);
            tool.set("input", new ToolArguments(Fixtures.JSON).parse(String.join("", pieces.get(k))));
        }
        assertEquals(expected, outcome.message().path("content"));
        String stop = "length".equals(finish) ? "max_tokens" : calls > 0 ? "tool_use" : "end_turn";
        assertEquals(stop, outcome.message().path("stop_reason").asText());
        assertEquals(usage ? 750 : Fixtures.ESTIMATED_INPUT_TOKENS, outcome.message().path("usage").path("input_tokens").asLong());
    }

    private static List<String> split(String arguments, Random random) {
        List<String> parts = new ArrayList<>();
        int at = 0;
        while (at < arguments.length()) {
            int end = Math.min(arguments.length(), at + 1 + random.nextInt(12));
            parts.add(arguments.substring(at, end));
            at = end;
        }
        if (parts.isEmpty() || random.nextBoolean()) {
            parts.add(0, "");
        }
        return parts;
    }

    private static JsonNode reasoningChunk(String text, String signature, boolean anthropic) {
        ObjectNode delta = Fixtures.JSON.createObjectNode();
        delta.put("role", "assistant").put("content", "").put("reasoning", text);
        if (anthropic) {
            ObjectNode detail = delta.putArray("reasoning_details").addObject();
            detail.put("type", "reasoning.text").put("text", text).put("signature", signature)
                    .put("format", "anthropic-claude-v1").put("index", 0);
        }
        return chunk(delta.toString(), null);
    }

    private static JsonNode toolChunk(int call, int index, boolean first, String arguments) {
        ObjectNode delta = Fixtures.JSON.createObjectNode();
        ObjectNode fragment = delta.putArray("tool_calls").addObject();
        fragment.put("index", index);
        if (first) {
            fragment.put("id", "call_" + call).put("type", "function");
        }
        ObjectNode function = fragment.putObject("function");
        if (first) {
            function.put("name", NAMES[call % NAMES.length]);
        }
        function.put("arguments", arguments);
        return chunk(delta.toString(), null);
    }
}
