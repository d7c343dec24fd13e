package dev.ccrouter.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StopReasonTest {
    private static final List<String> NONE = List.of();
    private static final List<String> ONE = List.of("</answer>");
    private static final List<String> TWO = List.of("</answer>", "\n\nHuman:");

    private static Arguments row(String name, String choice, String finishReason, boolean tools, List<String> stops,
                                 String reason, String sequence) {
        return Arguments.of(name, choice, finishReason, tools, stops, new StopReason(reason, sequence));
    }

    static Stream<Arguments> rows() {
        String nativeStopSequence = "{\"finish_reason\":\"stop\",\"native_finish_reason\":\"stop_sequence\"}";
        return Stream.of(
                row("stop", "{\"finish_reason\":\"stop\"}", "stop", false, NONE, "end_turn", null),
                row("no finish reason", null, null, false, NONE, "end_turn", null),
                row("length", "{}", "length", false, NONE, "max_tokens", null),
                row("length with a cut-off tool call", "{}", "length", true, NONE, "max_tokens", null),
                row("content_filter", "{}", "content_filter", false, NONE, "refusal", null),
                row("Z.ai's sensitive", "{}", "sensitive", false, NONE, "refusal", null),
                row("Mistral's model_length", "{}", "model_length", false, NONE, "max_tokens", null),
                row("Z.ai's model_context_window_exceeded", "{}", "model_context_window_exceeded", false, NONE,
                        "max_tokens", null),
                row("tool_calls", "{}", "tool_calls", true, NONE, "tool_use", null),
                row("stop with tool calls", "{}", "stop", true, NONE, "tool_use", null),
                row("no finish reason with tool calls", null, null, true, NONE, "tool_use", null),
                row("tool_calls without any call", "{}", "tool_calls", false, NONE, "end_turn", null),
                row("deprecated function_call", "{}", "function_call", false, NONE, "end_turn", null),
                row("native stop_sequence, one client sequence", nativeStopSequence, "stop", false, ONE, "stop_sequence", "</answer>"),
                row("native stop_sequence, two client sequences", nativeStopSequence, "stop", false, TWO, "stop_sequence", null),
                row("native stop_sequence, no client sequence", nativeStopSequence, "stop", false, NONE, "end_turn", null),
                row("native stop_sequence with tool calls", nativeStopSequence, "stop", true, ONE, "tool_use", null),
                row("native end_turn", "{\"native_finish_reason\":\"end_turn\"}", "stop", false, ONE, "end_turn", null),
                row("server names the sequence", "{\"stop_reason\":\"\\n\\nHuman:\"}", "stop", false, TWO, "stop_sequence", "\n\nHuman:"),
                row("server names a string the client did not send", "{\"stop_reason\":\"<|im_end|>\"}", "stop", false, TWO,
                        "end_turn", null),
                row("server names a stop token id", "{\"stop_reason\":151645}", "stop", false, ONE, "end_turn", null),
                row("server says null", "{\"stop_reason\":null}", "stop", false, ONE, "end_turn", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void maps(String name, String choice, String finishReason, boolean tools, List<String> stops, StopReason expected)
            throws Exception {
        JsonNode choiceNode = choice == null ? null : Fixtures.JSON.readTree(choice);
        assertEquals(expected, StopReason.of(choiceNode, finishReason, tools, stops));
    }
}
