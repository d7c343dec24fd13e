package dev.ccrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The oracle must reject every bug class it exists for, and accept what Anthropic itself sends. */
class AnthropicStreamGrammarTest {
    private static final String START = "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
            + "\"role\":\"assistant\",\"model\":\"claude-sonnet-5\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
            + "\"stop_details\":null,\"container\":null,\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":0,"
            + "\"cache_read_input_tokens\":0,\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":0},"
            + "\"output_tokens\":1,\"output_tokens_details\":null,\"server_tool_use\":null,\"service_tier\":\"standard\","
            + "\"inference_geo\":null}}}";
    private static final String TEXT_START = "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}";
    private static final String TEXT_DELTA = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}";
    private static final String STOP_0 = "{\"type\":\"content_block_stop\",\"index\":0}";
    private static final String STOP_1 = "{\"type\":\"content_block_stop\",\"index\":1}";
    private static final String END_TURN = delta("end_turn");
    private static final String TOOL_USE = delta("tool_use");
    private static final String MESSAGE_STOP = "{\"type\":\"message_stop\"}";
    private static final String PING = "{\"type\":\"ping\"}";
    private static final String OVERLOADED = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
    private static final String THINKING_START = "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}";
    private static final String THINKING_DELTA = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}";
    private static final String SIGNATURE = "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQB\"}}";

    private static String delta(String stopReason) {
        return "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason + "\",\"stop_sequence\":null,"
                + "\"stop_details\":null,\"container\":null},\"usage\":{\"input_tokens\":10,\"cache_creation_input_tokens\":0,"
                + "\"cache_read_input_tokens\":0,\"output_tokens\":5,\"output_tokens_details\":null,\"server_tool_use\":null}}";
    }

    private static String toolStart(int index, String id) {
        return "{\"type\":\"content_block_start\",\"index\":" + index + ",\"content_block\":{\"type\":\"tool_use\",\"id\":\""
                + id + "\",\"name\":\"Bash\",\"input\":{}}}";
    }

    private static String json(int index, String partial) {
        return "{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":"
                + partial + "}}";
    }

    /** SSE text with the event name taken from each frame's type. */
    private static String sse(String... frames) {
        StringBuilder out = new StringBuilder();
        for (String frame : frames) {
            String type = frame.substring(frame.indexOf("\"type\":\"") + 8);
            out.append("event: ").append(type, 0, type.indexOf('"')).append("\ndata: ").append(frame).append("\n\n");
        }
        return out.toString();
    }

    @Test
    void acceptsACompleteStreamWithPingsAndComments() {
        String text = ": keep-alive\n\n" + sse(PING, START, PING, TEXT_START, TEXT_DELTA, PING, STOP_0, END_TURN, PING, MESSAGE_STOP);
        AnthropicStreamGrammar.Outcome outcome = AnthropicStreamGrammar.check(text);
        assertThat(outcome.completed()).isTrue();
        assertThat(outcome.message().path("content").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"Hi\"}]");
        assertThat(outcome.message().path("usage").path("output_tokens").asInt()).isEqualTo(5);
        assertThat(outcome.message().path("stop_reason").asText()).isEqualTo("end_turn");
    }

    @Test
    void acceptsThinkingToolUseAndRedactedThinking() {
        String redacted = "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"EmwK\"}}";
        AnthropicStreamGrammar.Outcome outcome = AnthropicStreamGrammar.check(sse(START, THINKING_START, THINKING_DELTA,
                SIGNATURE, STOP_0, redacted, STOP_1, toolStart(2, "toolu_01"), json(2, "\"\""), json(2, "\"{\\\"a\\\":\""),
                json(2, "\"1}\""), "{\"type\":\"content_block_stop\",\"index\":2}", TOOL_USE, MESSAGE_STOP));
        assertThat(outcome.message().path("content").toString()).isEqualTo("[{\"type\":\"thinking\",\"thinking\":\"hm\",\"signature\":\"EqQB\"},"
                + "{\"type\":\"redacted_thinking\",\"data\":\"EmwK\"},{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"Bash\",\"input\":{\"a\":1}}]");
    }

    @Test
    void acceptsAnErrorAsTheLastFrameEvenInsideABlock() {
        AnthropicStreamGrammar.Outcome outcome = AnthropicStreamGrammar.check(sse(START, TEXT_START, TEXT_DELTA, OVERLOADED));
        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.error().path("error").path("type").asText()).isEqualTo("overloaded_error");
    }

    static Stream<Arguments> brokenStreams() {
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("data-only frame", "data: " + START + "\n\n", "not exactly 'event: …' + 'data: …'"));
        cases.add(Arguments.of("event name differs from type",
                "event: message_stop\ndata: " + START + "\n\n", "event name differs from data.type"));
        cases.add(Arguments.of("no blank line at the end", sse(START).strip(), "must end with a blank line"));
        cases.add(Arguments.of("first block numbered 1", sse(START,
                TEXT_START.replace("\"index\":0", "\"index\":1"), STOP_1, END_TURN, MESSAGE_STOP), "block index must be 0"));
        cases.add(Arguments.of("indexes not dense", sse(START, TEXT_START, TEXT_DELTA, STOP_0,
                toolStart(2, "toolu_1"), json(2, "\"{}\""), "{\"type\":\"content_block_stop\",\"index\":2}", TOOL_USE, MESSAGE_STOP),
                "block index must be 1"));
        cases.add(Arguments.of("interleaved blocks", sse(START, toolStart(0, "toolu_a"), toolStart(1, "toolu_b")),
                "still open (interleaved blocks)"));
        cases.add(Arguments.of("delta for another block", sse(START, toolStart(0, "toolu_a"), json(1, "\"{}\"")),
                "while block 0 is open"));
        cases.add(Arguments.of("reasoning as text_delta in a thinking block", sse(START, THINKING_START,
                TEXT_DELTA, STOP_0, END_TURN, MESSAGE_STOP), "text_delta is not legal in a thinking block"));
        cases.add(Arguments.of("thinking after its signature", sse(START, THINKING_START, THINKING_DELTA, SIGNATURE,
                THINKING_DELTA, STOP_0, END_TURN, MESSAGE_STOP), "a delta after signature_delta"));
        cases.add(Arguments.of("tool input that is not JSON", sse(START, toolStart(0, "toolu_a"), json(0, "\"{\\\"a\\\":\""),
                STOP_0, TOOL_USE, MESSAGE_STOP), "tool input does not parse to a JSON object"));
        cases.add(Arguments.of("tool input that is an array", sse(START, toolStart(0, "toolu_a"), json(0, "\"[1]\""),
                STOP_0, TOOL_USE, MESSAGE_STOP), "tool input does not parse to a JSON object"));
        cases.add(Arguments.of("two tool calls joined into one input", sse(START, toolStart(0, "toolu_a"),
                json(0, "\"{\\\"a\\\":1}{\\\"b\\\":2}\""), STOP_0, TOOL_USE, MESSAGE_STOP), "tool input does not parse"));
        cases.add(Arguments.of("tool_use id outside [a-zA-Z0-9_-]", sse(START, toolStart(0, "functions.Bash:0")),
                "must match [a-zA-Z0-9_-]+"));
        cases.add(Arguments.of("tool_use ending in end_turn", sse(START, toolStart(0, "toolu_a"), json(0, "\"{}\""),
                STOP_0, END_TURN, MESSAGE_STOP), "content holds tool_use but stop_reason is end_turn"));
        cases.add(Arguments.of("tool_use stop reason without a tool", sse(START, TEXT_START, TEXT_DELTA, STOP_0,
                TOOL_USE, MESSAGE_STOP), "stop_reason is tool_use but there is no tool_use block"));
        cases.add(Arguments.of("text block without text", sse(START, TEXT_START, STOP_0, END_TURN, MESSAGE_STOP),
                "a text block without text_delta"));
        cases.add(Arguments.of("redacted thinking with a delta", sse(START,
                "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"x\"}}",
                THINKING_DELTA), "is not legal in a redacted_thinking block"));
        cases.add(Arguments.of("no message_start", sse(TEXT_START), "message_start must come first"));
        cases.add(Arguments.of("two message_start", sse(START, START), "a second message_start"));
        cases.add(Arguments.of("message_delta with an open block", sse(START, TEXT_START, TEXT_DELTA, END_TURN),
                "message_delta while block 0 is open"));
        cases.add(Arguments.of("two message_delta", sse(START, END_TURN, END_TURN), "a second message_delta"));
        cases.add(Arguments.of("block after message_delta", sse(START, END_TURN, TEXT_START), "content_block_start after message_delta"));
        cases.add(Arguments.of("message_stop without message_delta", sse(START, MESSAGE_STOP), "without exactly one message_delta"));
        cases.add(Arguments.of("invalid stop reason", sse(START, delta("stop"), MESSAGE_STOP), "stop_reason is not a valid value"));
        cases.add(Arguments.of("dropped after a block", sse(START, TEXT_START, TEXT_DELTA, STOP_0), "ends without message_stop or error"));
        cases.add(Arguments.of("dropped after message_delta", sse(START, END_TURN), "ends without message_stop or error"));
        cases.add(Arguments.of("empty stream", "", "empty stream"));
        cases.add(Arguments.of("a frame after message_stop", sse(START, END_TURN, MESSAGE_STOP, PING), "after the stream ended"));
        cases.add(Arguments.of("a frame after error", sse(START, OVERLOADED, END_TURN), "after the stream ended"));
        cases.add(Arguments.of("error in OpenAI shape", sse(START, "{\"type\":\"error\",\"error\":{\"message\":\"x\",\"code\":502}}"),
                "error.type is not an Anthropic error type"));
        cases.add(Arguments.of("unknown event", sse(START, "{\"type\":\"message_end\"}"), "unknown event type"));
        cases.add(Arguments.of("message_start with content", sse(START.replace("\"content\":[]",
                "\"content\":[{\"type\":\"text\",\"text\":\"x\"}]")), "message.content must be []"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenStreams")
    void rejects(String name, String sse, String problem) {
        assertThatThrownBy(() -> AnthropicStreamGrammar.check(sse)).isInstanceOf(AssertionError.class).hasMessageContaining(problem);
    }
}
