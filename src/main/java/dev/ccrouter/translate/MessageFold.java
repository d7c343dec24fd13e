package dev.ccrouter.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.ccrouter.api.anthropic.ContentBlock;
import dev.ccrouter.api.anthropic.ContentDelta;
import dev.ccrouter.api.anthropic.EventSink;
import dev.ccrouter.api.anthropic.StreamEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
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
    private final ObjectNode message;
    private final ArrayNode content;
    private final Map<Integer, ObjectNode> blocks = new HashMap<>();
    private final Map<Integer, StringBuilder> partialJson = new HashMap<>();

    MessageFold(ObjectMapper json) {
        this.json = json;
        this.message = json.createObjectNode();
        this.content = json.createArrayNode();
    }

    @Override
    public void event(StreamEvent event) {
        switch (event) {
            case StreamEvent.MessageStart start -> {
                message.put("id", start.id());
                message.put("type", "message");
                message.put("role", "assistant");
                message.put("model", start.model());
                message.set("content", content);
            }
            case StreamEvent.ContentBlockStart start -> startBlock(start.index(), start.block());
            case StreamEvent.ContentBlockDelta delta -> applyDelta(delta.index(), delta.delta());
            case StreamEvent.ContentBlockStop stop -> stopBlock(stop.index());
            case StreamEvent.MessageDelta delta -> {
                message.put("stop_reason", delta.stopReason());
                message.put("stop_sequence", delta.stopSequence());
                message.putNull("stop_details");
                message.putNull("container");
                message.set("usage", delta.usage().toJson());
            }
            case StreamEvent.MessageStop stop -> { }
            case StreamEvent.Ping ping -> { }
            case StreamEvent.Error error -> { } // the driver reads the machine's failure
        }
    }

    /** The folded message. */
    ObjectNode message() {
        return message;
    }

    private void startBlock(int index, ContentBlock shell) {
        ObjectNode block;
        try (TokenBuffer buffer = new TokenBuffer(json, false)) {
            shell.write(buffer);
            block = json.readTree(buffer.asParser());
        } catch (IOException e) {
            throw new UncheckedIOException("a block shell in memory is always readable", e);
        }
        if (shell instanceof ContentBlock.Text) {
            block.putNull("citations"); // whole messages always carry it; stream starts leave it out
        }
        content.add(block);
        blocks.put(index, block);
    }

    private void applyDelta(int index, ContentDelta delta) {
        ObjectNode block = blocks.get(index);
        switch (delta) {
            case ContentDelta.Text text -> append(block, "text", text.value());
            case ContentDelta.Thinking thinking -> append(block, "thinking", thinking.value());
            case ContentDelta.Signature signature -> block.put("signature", signature.value());
            case ContentDelta.InputJson input ->
                    partialJson.computeIfAbsent(index, i -> new StringBuilder()).append(input.value());
        }
    }

    private void stopBlock(int index) {
        StringBuilder input = partialJson.remove(index);
        if (input != null) {
            try {
                blocks.get(index).set("input", json.readTree(input.toString()));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException("the stream translator emits tool input as valid JSON", e);
            }
        }
    }

    private static void append(ObjectNode block, String field, String text) {
        block.put(field, block.path(field).asText("") + text);
    }
}
