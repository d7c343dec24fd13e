package dev.ccrouter.translate;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.ContentBlock;
import dev.ccrouter.api.anthropic.JsonTrees;
import dev.ccrouter.api.anthropic.StreamEvent;
import dev.ccrouter.api.anthropic.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The Message a non-streaming request returns, as {@link MessageFold} folded it from the stream's events, written
 * straight to a generator in the Messages API's field order: no tree is built on the way to the socket.
 *
 * @param stopReason   the {@code stop_reason}
 * @param stopSequence the matched stop sequence, or null
 * @param usage        the final usage, as the stream's {@code message_delta} had it
 */
public record WholeMessage(String id, String model, List<Block> content, String stopReason, String stopSequence,
                           Usage usage) {

    /** Writes the Message's JSON object. */
    public void write(JsonGenerator out, ObjectMapper json) throws IOException {
        out.writeStartObject();
        out.writeStringField("id", id);
        out.writeStringField("type", "message");
        out.writeStringField("role", "assistant");
        out.writeStringField("model", model);
        out.writeArrayFieldStart("content");
        for (Block block : content) {
            block.write(out, json);
        }
        out.writeEndArray();
        out.writeStringField("stop_reason", stopReason);
        out.writeStringField("stop_sequence", stopSequence);
        StreamEvent.writeStopDetails(out, stopReason); // as the stream's message_delta says it
        out.writeNullField("container");
        out.writeFieldName("usage");
        usage.write(out);
        out.writeEndObject();
    }

    /** The Message as compact UTF-8 JSON. */
    public byte[] toBytes(ObjectMapper json) {
        return JsonTrees.bytes(json.getFactory(), 512, out -> write(out, json));
    }

    /** The Message as a tree, for tests and tools that inspect it. */
    public ObjectNode toJson(ObjectMapper json) {
        try {
            return (ObjectNode) json.readTree(toBytes(json));
        } catch (IOException e) {
            throw new UncheckedIOException("the gateway's own JSON is always readable", e);
        }
    }

    /**
     * One content block: the shell its {@code content_block_start} carried, with what its deltas added — the text or
     * thinking joined, the signature, a tool call's input as the concatenation of its {@code partial_json}.
     */
    static final class Block {
        private final ContentBlock shell;
        private final StringBuilder text = new StringBuilder();
        private String signature = "";
        private StringBuilder input;

        Block(ContentBlock shell) {
            this.shell = shell;
        }

        void appendText(String more) {
            text.append(more);
        }

        void signature(String value) {
            signature = value;
        }

        void appendInput(String partialJson) {
            (input == null ? input = new StringBuilder() : input).append(partialJson);
        }

        void write(JsonGenerator out, ObjectMapper json) throws IOException {
            switch (shell) {
                case ContentBlock.Text ignored -> {
                    out.writeStartObject();
                    out.writeStringField("type", "text");
                    out.writeStringField("text", text.toString());
                    out.writeNullField("citations"); // whole messages always carry it; stream starts leave it out
                    out.writeEndObject();
                }
                case ContentBlock.Thinking ignored -> {
                    out.writeStartObject();
                    out.writeStringField("type", "thinking");
                    out.writeStringField("thinking", text.toString());
                    out.writeStringField("signature", signature);
                    out.writeEndObject();
                }
                case ContentBlock.ToolUse call when input != null -> {
                    out.writeStartObject();
                    out.writeStringField("type", "tool_use");
                    out.writeStringField("id", call.id());
                    out.writeStringField("name", call.name());
                    out.writeFieldName("input");
                    // Parsed and written again, not copied: the whole answer's input is the tree the stream's JSON
                    // fragments make, written as every other tree is.
                    JsonTrees.write(out, json.readTree(input.toString()));
                    out.writeEndObject();
                }
                default -> shell.write(out); // whole in its start event
            }
        }
    }
}
