package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The events of an Anthropic Messages stream, as the gateway builds them. Each writes its own {@code data:} JSON, in
 * Anthropic's field order, straight to a generator: no tree is built on the way to the socket.
 */
public sealed interface StreamEvent {

    /** The {@code event:} name, equal to the JSON's {@code type}. */
    String type();

    /** Writes the event's JSON object. */
    void write(JsonGenerator out) throws IOException;

    /** The event's JSON as compact UTF-8 bytes. */
    default byte[] toBytes(JsonFactory factory) {
        return JsonTrees.bytes(factory, 128, this::write);
    }

    /** The event's JSON as a tree, for tests and tools that inspect events. */
    default ObjectNode toJson(ObjectMapper json) {
        try {
            return (ObjectNode) json.readTree(toBytes(json.getFactory()));
        } catch (IOException e) {
            throw new UncheckedIOException("the gateway's own JSON is always readable", e);
        }
    }

    /**
     * The message shell that opens a stream: no content yet, no stop reason, and the input estimate as usage.
     *
     * @param model the model the client asked for, echoed back
     */
    record MessageStart(String id, String model, Usage usage) implements StreamEvent {
        public String type() {
            return "message_start";
        }

        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            WireNames.field(out, WireNames.TYPE, WireNames.MESSAGE_START);
            out.writeFieldName(WireNames.MESSAGE);
            out.writeStartObject();
            WireNames.field(out, WireNames.ID, id);
            WireNames.field(out, WireNames.TYPE, WireNames.MESSAGE);
            WireNames.field(out, WireNames.ROLE, WireNames.ASSISTANT);
            WireNames.field(out, WireNames.MODEL, model);
            out.writeFieldName(WireNames.CONTENT);
            out.writeStartArray();
            out.writeEndArray();
            WireNames.nullField(out, WireNames.STOP_REASON);
            WireNames.nullField(out, WireNames.STOP_SEQUENCE);
            WireNames.nullField(out, WireNames.STOP_DETAILS);
            WireNames.nullField(out, WireNames.CONTAINER);
            out.writeFieldName(WireNames.USAGE);
            usage.write(out);
            out.writeEndObject();
            out.writeEndObject();
        }
    }

    record ContentBlockStart(int index, ContentBlock block) implements StreamEvent {
        public String type() {
            return "content_block_start";
        }

        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            WireNames.field(out, WireNames.TYPE, WireNames.CONTENT_BLOCK_START);
            WireNames.field(out, WireNames.INDEX, index);
            out.writeFieldName(WireNames.CONTENT_BLOCK);
            block.write(out);
            out.writeEndObject();
        }
    }

    record ContentBlockDelta(int index, ContentDelta delta) implements StreamEvent {
        public String type() {
            return "content_block_delta";
        }

        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            WireNames.field(out, WireNames.TYPE, WireNames.CONTENT_BLOCK_DELTA);
            WireNames.field(out, WireNames.INDEX, index);
            out.writeFieldName(WireNames.DELTA);
            delta.write(out);
            out.writeEndObject();
        }
    }

    record ContentBlockStop(int index) implements StreamEvent {
        public String type() {
            return "content_block_stop";
        }

        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            WireNames.field(out, WireNames.TYPE, WireNames.CONTENT_BLOCK_STOP);
            WireNames.field(out, WireNames.INDEX, index);
            out.writeEndObject();
        }
    }

    /**
     * The end of the answer: why it stopped, and the final cumulative usage.
     *
     * @param stopSequence the matched stop sequence, or null
     */
    record MessageDelta(String stopReason, String stopSequence, Usage usage) implements StreamEvent {
        public String type() {
            return "message_delta";
        }

        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            WireNames.field(out, WireNames.TYPE, WireNames.MESSAGE_DELTA);
            out.writeFieldName(WireNames.DELTA);
            out.writeStartObject();
            WireNames.field(out, WireNames.STOP_REASON, stopReason);
            WireNames.field(out, WireNames.STOP_SEQUENCE, stopSequence);
            writeStopDetails(out, stopReason);
            WireNames.nullField(out, WireNames.CONTAINER);
            out.writeEndObject();
            out.writeFieldName(WireNames.USAGE);
            usage.writeDelta(out);
            out.writeEndObject();
        }
    }

    /**
     * {@code stop_details} for a stop reason: a refusal's says so ({@code {"type":"refusal"}}) with its category and
     * explanation unknown (OpenAI's {@code content_filter} names neither); every other stop has none.
     */
    static void writeStopDetails(JsonGenerator out, String stopReason) throws IOException {
        out.writeFieldName(WireNames.STOP_DETAILS);
        if (!"refusal".equals(stopReason)) {
            out.writeNull();
            return;
        }
        out.writeStartObject();
        WireNames.field(out, WireNames.TYPE, "refusal");
        WireNames.nullField(out, WireNames.CATEGORY);
        WireNames.nullField(out, WireNames.EXPLANATION);
        out.writeEndObject();
    }

    record MessageStop() implements StreamEvent {
        public String type() {
            return "message_stop";
        }

        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            WireNames.field(out, WireNames.TYPE, WireNames.MESSAGE_STOP);
            out.writeEndObject();
        }
    }

    /** Sent while the upstream is quiet, so clients know the connection lives. */
    record Ping() implements StreamEvent {
        public String type() {
            return "ping";
        }

        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            WireNames.field(out, WireNames.TYPE, WireNames.PING);
            out.writeEndObject();
        }
    }

    /** The stream failed: nothing follows. */
    record Error(AnthropicError error) implements StreamEvent {
        public String type() {
            return "error";
        }

        public void write(JsonGenerator out) throws IOException {
            JsonTrees.write(out, error.toEnvelope());
        }
    }
}
