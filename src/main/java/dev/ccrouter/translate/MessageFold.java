package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.EventSink;
import java.util.HashMap;
import java.util.Map;

/**
 * Folds the events of one Anthropic stream into the Message a non-streaming request returns: the same content in the
 * same order, so a whole response can never say something its stream would not. Blocks are built from their
 * {@code content_block_start} shell and deltas; {@code tool_use} input is the parsed concatenation of its
 * {@code partial_json} fragments.
 */
final class MessageFold implements EventSink {
    private final ObjectMapper json;
    private ObjectNode message;
    private ArrayNode content;
    private final Map<Integer, ObjectNode> blocks = new HashMap<>();
    private final Map<Integer, StringBuilder> partialJson = new HashMap<>();

    MessageFold(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void event(String type, ObjectNode data) {
        switch (type) {
            case "message_start" -> {
                message = data.get("message").deepCopy();
                content = message.putArray("content");
            }
            case "content_block_start" -> startBlock(data.get("index").asInt(), data.get("content_block"));
            case "content_block_delta" -> applyDelta(data.get("index").asInt(), data.get("delta"));
            case "content_block_stop" -> stopBlock(data.get("index").asInt());
            case "message_delta" -> {
                JsonNode delta = data.get("delta");
                message.set("stop_reason", delta.get("stop_reason"));
                message.set("stop_sequence", delta.get("stop_sequence"));
            }
            default -> { } // message_stop, ping, error: nothing to fold; the driver looks at the outcome
        }
    }

    /** The folded message; its usage is set by the caller from the final usage. */
    ObjectNode message() {
        return message;
    }

    private void startBlock(int index, JsonNode shell) {
        ObjectNode block = shell.deepCopy();
        if ("text".equals(block.path("type").asText())) {
            block.putNull("citations"); // whole messages always carry it; stream starts leave it out
        }
        content.add(block);
        blocks.put(index, block);
    }

    private void applyDelta(int index, JsonNode delta) {
        ObjectNode block = blocks.get(index);
        switch (delta.path("type").asText()) {
            case "text_delta" -> append(block, "text", delta.path("text").asText());
            case "thinking_delta" -> append(block, "thinking", delta.path("thinking").asText());
            case "signature_delta" -> block.put("signature", delta.path("signature").asText());
            case "input_json_delta" -> partialJson.computeIfAbsent(index, i -> new StringBuilder())
                    .append(delta.path("partial_json").asText());
            default -> { }
        }
    }

    private void stopBlock(int index) {
        StringBuilder input = partialJson.remove(index);
        if (input != null) {
            try {
                blocks.get(index).set("input", json.readTree(input.toString()));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("the stream translator emits tool input as valid JSON", e);
            }
        }
    }

    private static void append(ObjectNode block, String field, String text) {
        block.put(field, block.path(field).asText("") + text);
    }
}
