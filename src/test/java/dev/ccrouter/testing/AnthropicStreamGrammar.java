package dev.ccrouter.testing;

import com.anthropic.core.ObjectMappers;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Anthropic streaming grammar as a test oracle: what any stream the gateway writes must satisfy, whatever the
 * upstream did. Checks the framing (every frame has an {@code event:} line equal to {@code data.type}), the event
 * order ({@code message_start}; blocks with dense indexes from 0, each start → deltas → stop, never interleaved, delta
 * types legal for their block, {@code signature_delta} last in a thinking block, tool input that parses to an
 * object; then exactly one {@code message_delta} and {@code message_stop} last — or {@code error} as the last frame),
 * and that the official Java SDK accepts and folds every event. {@code ping} may appear anywhere.
 *
 * <p>Usable from any test: {@link #check(String)} takes the raw SSE text a client received.
 */
public final class AnthropicStreamGrammar {
    /** One SSE frame: the {@code event:} name and the parsed {@code data:} JSON. */
    public record Frame(String event, JsonNode data) {
        /** The frame a client would read for an event the gateway built. */
        public static Frame of(dev.ccrouter.api.anthropic.StreamEvent event) {
            return new Frame(event.type(), event.toJson(JSON));
        }
    }

    /**
     * How a grammatical stream ended.
     *
     * @param message the Message a client folds from the stream ({@code content} blocks complete, tool inputs
     *                parsed, usage as the SDK merges it); null when the stream ended with an error
     * @param error   the {@code error} event's data; null when the stream completed
     */
    public record Outcome(ObjectNode message, ObjectNode error) {
        public boolean completed() {
            return message != null;
        }
    }

    static final Set<String> STOP_REASONS = Set.of("end_turn", "max_tokens", "stop_sequence", "tool_use", "pause_turn",
            "refusal", "model_context_window_exceeded");
    static final Set<String> ERROR_TYPES = Set.of("invalid_request_error", "authentication_error", "billing_error",
            "permission_error", "not_found_error", "request_too_large", "rate_limit_error", "api_error",
            "timeout_error", "overloaded_error");
    private static final Pattern TOOL_USE_ID = Pattern.compile("[a-zA-Z0-9_-]+");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private AnthropicStreamGrammar() {
    }

    /** Parses and checks raw SSE text as a client receives it. */
    public static Outcome check(String sse) {
        return check(parse(sse));
    }

    /**
     * Splits SSE text into frames. Strict about what this gateway writes: each frame is exactly an {@code event:}
     * line and one {@code data:} line, ended by a blank line; comment lines ({@code :}) are allowed and skipped.
     */
    public static List<Frame> parse(String sse) {
        List<Frame> frames = new ArrayList<>();
        if (sse.isEmpty()) {
            return frames;
        }
        if (!sse.endsWith("\n\n")) {
            throw new AssertionError("SSE text must end with a blank line after its last frame");
        }
        String[] blocks = sse.substring(0, sse.length() - 2).split("\n\n", -1);
        for (int b = 0; b < blocks.length; b++) {
            List<String> lines = new ArrayList<>();
            for (String line : blocks[b].split("\n", -1)) {
                if (!line.startsWith(":")) {
                    lines.add(line);
                }
            }
            if (lines.isEmpty()) {
                continue;
            }
            if (lines.size() != 2 || !lines.get(0).startsWith("event: ") || !lines.get(1).startsWith("data: ")) {
                throw new AssertionError("SSE block " + b + " is not exactly 'event: …' + 'data: …': " + blocks[b]);
            }
            String data = lines.get(1).substring("data: ".length());
            try {
                frames.add(new Frame(lines.get(0).substring("event: ".length()), JSON.readTree(data)));
            } catch (JsonProcessingException e) {
                throw new AssertionError("SSE block " + b + " has data that is not JSON: " + data, e);
            }
        }
        return frames;
    }

    /** Checks a whole stream; throws {@link AssertionError} naming the first offending frame. */
    public static Outcome check(List<Frame> frames) {
        return new Checker().run(frames);
    }

    /**
     * Checks a complete Message (a non-streaming body, or what a stream folds to): required fields, content block
     * shapes, tool inputs that are objects, and a stop reason consistent with the content.
     */
    /**
     * anthropic-java 3.13.0's {@code ServerToolUseBlock.validate()} compares the parsed {@code name} field with a raw
     * JSON string and so rejects every name, {@code web_search} included (an SDK bug): such blocks are checked by
     * {@link #checkServerToolUse} instead, and left out of what the SDK validates.
     */
    static JsonNode withoutServerToolUse(JsonNode message) {
        ObjectNode copy = message.deepCopy();
        ArrayNode content = copy.putArray("content");
        for (JsonNode block : message.path("content")) {
            if (!"server_tool_use".equals(block.path("type").asText())) {
                content.add(block);
            }
        }
        return copy;
    }

    static boolean isServerToolUseStart(JsonNode event) {
        return "server_tool_use".equals(event.path("content_block").path("type").asText());
    }

    /** A server tool call the provider ran: an id, a name, an input object, who called it. */
    static void checkServerToolUse(JsonNode block, String where) {
        require(block.path("id").asText().startsWith("srvtoolu_"), where + ".id must start with srvtoolu_");
        require(block.path("name").isTextual(), where + ".name must be a string");
        require(block.path("input").isObject(), where + ".input must be an object");
        require(block.path("caller").path("type").isTextual(), where + ".caller.type must be a string");
    }

    /** A web search's results: each with a url, title, encrypted_content string and page_age (string or null). */
    static void checkWebSearchResult(JsonNode block, String where) {
        require(block.path("tool_use_id").asText().startsWith("srvtoolu_"), where + ".tool_use_id must start with srvtoolu_");
        require(block.path("content").isArray(), where + ".content must be a list of results");
        for (JsonNode result : block.path("content")) {
            require("web_search_result".equals(result.path("type").asText())
                    && result.path("url").isTextual() && result.path("title").isTextual()
                    && result.path("encrypted_content").isTextual()
                    && (result.path("page_age").isTextual() || result.path("page_age").isNull()),
                    where + " has a malformed web_search_result: " + result);
        }
        require(block.path("caller").path("type").isTextual(), where + ".caller.type must be a string");
    }

    public static void checkMessage(JsonNode message) {
        require(message.isObject(), "message is not an object");
        requireText(message, "id");
        require("message".equals(message.path("type").asText()), "message.type must be 'message'");
        require("assistant".equals(message.path("role").asText()), "message.role must be 'assistant'");
        requireText(message, "model");
        require(message.path("content").isArray(), "message.content must be an array");
        boolean toolUse = false;
        int i = 0;
        for (JsonNode block : message.path("content")) {
            String where = "content[" + i++ + "]";
            switch (block.path("type").asText()) {
                case "text" -> require(block.path("text").isTextual(), where + ".text must be a string");
                case "thinking" -> require(block.path("thinking").isTextual() && block.path("signature").isTextual(),
                        where + " must have string thinking and signature");
                case "redacted_thinking" -> require(block.path("data").isTextual() && !block.path("data").asText().isEmpty(),
                        where + ".data must be a non-empty string");
                case "tool_use" -> {
                    toolUse = true;
                    checkToolUseShell(block, where);
                    require(block.path("input").isObject(), where + ".input must be an object");
                }
                case "server_tool_use" -> checkServerToolUse(block, where);
                case "web_search_tool_result" -> checkWebSearchResult(block, where);
                default -> throw new AssertionError(where + " has an unexpected type: " + block);
            }
        }
        String stop = message.path("stop_reason").asText(null);
        require(stop != null && STOP_REASONS.contains(stop), "stop_reason is not a valid value: " + message.get("stop_reason"));
        checkStopSequence(stop, message.get("stop_sequence"), "message");
        checkToolUseConsistency(stop, toolUse);
        JsonNode usage = message.path("usage");
        require(usage.path("input_tokens").canConvertToLong() && usage.path("input_tokens").asLong() >= 0,
                "usage.input_tokens must be a non-negative integer");
        require(usage.path("output_tokens").canConvertToLong() && usage.path("output_tokens").asLong() >= 0,
                "usage.output_tokens must be a non-negative integer");
        try {
            ObjectMappers.jsonMapper().readValue(withoutServerToolUse(message).toString(), Message.class).validate();
        } catch (Exception e) {
            throw new AssertionError("the Anthropic SDK rejects the message: " + e.getMessage(), e);
        }
    }

    private static final class Checker {
        private final MessageAccumulator sdk = MessageAccumulator.create();
        private ObjectNode message;
        private ArrayNode content;
        private boolean ended;
        private int messageDeltas;
        private int openIndex = -1;
        private String openType;
        private int openDeltas;
        private boolean signatureSeen;
        private StringBuilder openText;
        private StringBuilder openSignature;
        private int position;
        private Frame frame;

        Outcome run(List<Frame> frames) {
            ObjectNode error = null;
            for (position = 0; position < frames.size(); position++) {
                frame = frames.get(position);
                at(!ended, "a frame after the stream ended");
                at(frame.data() != null && frame.data().isObject(), "data is not a JSON object");
                at(frame.event().equals(frame.data().path("type").asText()),
                        "event name differs from data.type " + frame.data().path("type"));
                switch (frame.event()) {
                    case "ping" -> {
                        continue;
                    }
                    case "error" -> {
                        JsonNode e = frame.data().path("error");
                        at(e.path("type").isTextual() && ERROR_TYPES.contains(e.path("type").asText()),
                                "error.type is not an Anthropic error type");
                        at(e.path("message").isTextual() && !e.path("message").asText().isEmpty(),
                                "error.message must be a non-empty string");
                        error = (ObjectNode) frame.data();
                        ended = true;
                        continue;
                    }
                    case "message_start" -> messageStart();
                    case "content_block_start" -> blockStart();
                    case "content_block_delta" -> blockDelta();
                    case "content_block_stop" -> blockStop();
                    case "message_delta" -> messageDelta();
                    case "message_stop" -> {
                        at(message != null && messageDeltas == 1, "message_stop without exactly one message_delta before it");
                        ended = true;
                    }
                    default -> at(false, "unknown event type");
                }
                sdkAccumulate();
            }
            if (position == 0 && frames.isEmpty()) {
                throw new AssertionError("empty stream: neither message_stop nor error");
            }
            if (!ended) {
                throw new AssertionError("the stream ends without message_stop or error (a client sees a dropped connection)");
            }
            if (error != null) {
                return new Outcome(null, error);
            }
            checkMessage(message);
            try {
                Message folded = sdk.message();
                if (folded.content().stream().noneMatch(ContentBlock::isServerToolUse)) { // see withoutServerToolUse
                    folded.validate();
                }
            } catch (Exception e) {
                throw new AssertionError("the Anthropic SDK cannot fold the stream into a Message: " + e.getMessage(), e);
            }
            return new Outcome(message, null);
        }

        private void messageStart() {
            at(message == null, "a second message_start");
            JsonNode m = frame.data().path("message");
            at(m.isObject(), "message_start without message");
            for (String field : List.of("id", "model")) {
                at(m.path(field).isTextual() && !m.path(field).asText().isEmpty(), "message." + field + " must be a non-empty string");
            }
            at("message".equals(m.path("type").asText()), "message.type must be 'message'");
            at("assistant".equals(m.path("role").asText()), "message.role must be 'assistant'");
            at(m.path("content").isArray() && m.path("content").isEmpty(), "message.content must be []");
            at(m.has("stop_reason") && m.get("stop_reason").isNull(), "message.stop_reason must be null");
            at(m.has("stop_sequence") && m.get("stop_sequence").isNull(), "message.stop_sequence must be null");
            JsonNode usage = m.path("usage");
            at(usage.path("input_tokens").canConvertToLong() && usage.path("output_tokens").canConvertToLong(),
                    "message.usage must hold input_tokens and output_tokens");
            message = ((ObjectNode) m).deepCopy();
            content = message.putArray("content");
        }

        private void blockStart() {
            started();
            at(messageDeltas == 0, "content_block_start after message_delta");
            at(openIndex < 0, "content_block_start while block " + openIndex + " is still open (interleaved blocks)");
            int index = frame.data().path("index").asInt(-1);
            at(frame.data().path("index").isInt() && index == content.size(),
                    "block index must be " + content.size() + " (dense, from 0), got " + frame.data().get("index"));
            JsonNode shell = frame.data().path("content_block");
            String type = shell.path("type").asText();
            switch (type) {
                case "text" -> at(shell.path("text").isTextual() && shell.path("text").asText().isEmpty(),
                        "a text block starts with text \"\"");
                case "thinking" -> at(shell.path("thinking").isTextual() && shell.path("thinking").asText().isEmpty()
                        && shell.path("signature").isTextual(), "a thinking block starts with thinking \"\" and a signature string");
                case "redacted_thinking" -> at(shell.path("data").isTextual() && !shell.path("data").asText().isEmpty(),
                        "redacted_thinking arrives complete: non-empty data");
                case "tool_use" -> {
                    checkToolUseShell(shell, "content_block");
                    at(shell.path("input").isObject() && shell.path("input").isEmpty(), "a tool_use block starts with input {}");
                }
                case "server_tool_use" -> checkServerToolUse(shell, "content_block");
                case "web_search_tool_result" -> checkWebSearchResult(shell, "content_block");
                default -> at(false, "unexpected content block type " + type);
            }
            content.add(shell.deepCopy());
            openIndex = index;
            openType = type;
            openDeltas = 0;
            signatureSeen = false;
            openText = new StringBuilder();
            openSignature = new StringBuilder(shell.path("signature").asText(""));
        }

        private void blockDelta() {
            started();
            at(openIndex >= 0, "content_block_delta with no open block");
            at(frame.data().path("index").asInt(-1) == openIndex, "delta for index " + frame.data().get("index")
                    + " while block " + openIndex + " is open");
            JsonNode delta = frame.data().path("delta");
            String type = delta.path("type").asText();
            String legal = switch (openType) {
                case "text" -> "text_delta";
                case "thinking" -> "thinking_delta|signature_delta";
                case "tool_use" -> "input_json_delta";
                default -> "(none)";
            };
            at(("|" + legal + "|").contains("|" + type + "|"), type + " is not legal in a " + openType + " block");
            at(!signatureSeen, "a delta after signature_delta (it must be the last delta of a thinking block)");
            switch (type) {
                case "text_delta" -> {
                    at(delta.path("text").isTextual(), "text_delta.text must be a string");
                    openText.append(delta.path("text").asText());
                }
                case "thinking_delta" -> {
                    at(delta.path("thinking").isTextual(), "thinking_delta.thinking must be a string");
                    openText.append(delta.path("thinking").asText());
                }
                case "signature_delta" -> {
                    at(delta.path("signature").isTextual() && !delta.path("signature").asText().isEmpty(),
                            "signature_delta.signature must be a non-empty string");
                    signatureSeen = true;
                    openSignature.setLength(0);
                    openSignature.append(delta.path("signature").asText());
                }
                case "input_json_delta" -> {
                    at(delta.path("partial_json").isTextual(), "input_json_delta.partial_json must be a string");
                    openText.append(delta.path("partial_json").asText());
                }
                default -> at(false, "unexpected delta type " + type);
            }
            openDeltas++;
        }

        private void blockStop() {
            started();
            at(openIndex >= 0 && frame.data().path("index").asInt(-1) == openIndex,
                    "content_block_stop for index " + frame.data().get("index") + " but the open block is " + openIndex);
            ObjectNode block = (ObjectNode) content.get(openIndex);
            switch (openType) {
                case "text" -> {
                    at(openDeltas > 0, "a text block without text_delta");
                    block.put("text", openText.toString());
                }
                case "thinking" -> {
                    at(openDeltas > 0, "a thinking block without deltas");
                    block.put("thinking", openText.toString());
                    block.put("signature", openSignature.toString());
                }
                case "tool_use" -> {
                    at(openDeltas > 0, "a tool_use block without input_json_delta");
                    String input = openText.toString();
                    JsonNode parsed;
                    try {
                        parsed = input.isEmpty() ? JSON.createObjectNode() : JSON.readTree(input);
                    } catch (JsonProcessingException e) {
                        parsed = null;
                    }
                    at(parsed != null && parsed.isObject(), "tool input does not parse to a JSON object: " + input);
                    block.set("input", parsed);
                }
                case "redacted_thinking", "server_tool_use", "web_search_tool_result" ->
                        at(openDeltas == 0, openType + " arrives whole and takes no deltas");
                default -> { }
            }
            openIndex = -1;
            openType = null;
        }

        private void messageDelta() {
            started();
            at(openIndex < 0, "message_delta while block " + openIndex + " is open");
            at(messageDeltas == 0, "a second message_delta");
            messageDeltas++;
            JsonNode delta = frame.data().path("delta");
            String stop = delta.path("stop_reason").asText(null);
            at(stop != null && STOP_REASONS.contains(stop), "message_delta.delta.stop_reason is not a valid value");
            at(delta.has("stop_sequence"), "message_delta.delta.stop_sequence must be present");
            JsonNode usage = frame.data().path("usage");
            at(usage.path("output_tokens").canConvertToLong(), "message_delta.usage.output_tokens must be an integer");
            message.put("stop_reason", stop);
            message.set("stop_sequence", delta.get("stop_sequence"));
            // The SDK overwrites output_tokens always and the other counts only when non-null.
            ObjectNode merged = (ObjectNode) message.path("usage");
            usage.properties().forEach(e -> {
                if (e.getKey().equals("output_tokens") || !e.getValue().isNull()) {
                    merged.set(e.getKey(), e.getValue());
                }
            });
        }

        private void sdkAccumulate() {
            try {
                RawMessageStreamEvent event = ObjectMappers.jsonMapper()
                        .readValue(frame.data().toString(), RawMessageStreamEvent.class);
                if (!isServerToolUseStart(frame.data())) {
                    event.validate();
                }
                sdk.accumulate(event);
            } catch (Exception e) {
                throw new AssertionError(where() + ": the Anthropic SDK rejects the event: " + e.getMessage(), e);
            }
        }

        private void started() {
            at(message != null, "message_start must come first");
        }

        private void at(boolean ok, String problem) {
            if (!ok) {
                throw new AssertionError(where() + ": " + problem);
            }
        }

        private String where() {
            return "frame " + position + " (" + frame.event() + " " + frame.data() + ")";
        }
    }

    private static void checkToolUseShell(JsonNode block, String where) {
        require(block.path("id").isTextual() && TOOL_USE_ID.matcher(block.path("id").asText()).matches(),
                where + ".id must match [a-zA-Z0-9_-]+: " + block.get("id"));
        require(block.path("name").isTextual() && !block.path("name").asText().isEmpty(), where + ".name must be non-empty");
    }

    private static void checkStopSequence(String stop, JsonNode sequence, String where) {
        require(sequence != null, where + ".stop_sequence must be present");
        require(sequence.isNull() || "stop_sequence".equals(stop) && sequence.isTextual(),
                where + ".stop_sequence may only be set when stop_reason is stop_sequence");
    }

    /** Claude Code runs tools only on {@code tool_use}; a truncated or filtered answer may still hold a tool_use block. */
    private static void checkToolUseConsistency(String stop, boolean toolUse) {
        if (toolUse) {
            require(Set.of("tool_use", "max_tokens", "refusal").contains(stop),
                    "content holds tool_use but stop_reason is " + stop);
        } else {
            require(!"tool_use".equals(stop), "stop_reason is tool_use but there is no tool_use block");
        }
    }

    private static void requireText(JsonNode node, String field) {
        require(node.path(field).isTextual() && !node.path(field).asText().isEmpty(), field + " must be a non-empty string");
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new AssertionError(problem);
        }
    }
}
