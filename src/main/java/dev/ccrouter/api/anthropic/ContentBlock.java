package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** A content block as a stream opens it in {@code content_block_start}: its shell, before any delta. */
public sealed interface ContentBlock {

    void write(JsonGenerator out) throws IOException;

    /** {@code {"type":"text","text":""}} */
    record Text() implements ContentBlock {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            out.writeStringField("type", "text");
            out.writeStringField("text", "");
            out.writeEndObject();
        }
    }

    /** {@code {"type":"thinking","thinking":"","signature":""}}: the signature arrives as a delta. */
    record Thinking() implements ContentBlock {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            out.writeStringField("type", "thinking");
            out.writeStringField("thinking", "");
            out.writeStringField("signature", "");
            out.writeEndObject();
        }
    }

    /** Encrypted reasoning, whole in its start event. */
    record RedactedThinking(String data) implements ContentBlock {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            out.writeStringField("type", "redacted_thinking");
            out.writeStringField("data", data);
            out.writeEndObject();
        }
    }

    /** A client tool call; its input arrives as {@code input_json_delta} fragments. */
    record ToolUse(String id, String name) implements ContentBlock {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            out.writeStringField("type", "tool_use");
            out.writeStringField("id", id);
            out.writeStringField("name", name);
            out.writeObjectFieldStart("input");
            out.writeEndObject();
            out.writeEndObject();
        }
    }

    /**
     * A server tool the provider ran (web search), whole in its start event. {@code caller} says who called it: the
     * model itself ({@code direct}), as the API's current blocks always say and its SDKs require.
     */
    record ServerToolUse(String id, String name, JsonNode input) implements ContentBlock {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            out.writeStringField("type", "server_tool_use");
            out.writeStringField("id", id);
            out.writeStringField("name", name);
            out.writeFieldName("input");
            JsonTrees.write(out, input);
            writeDirectCaller(out);
            out.writeEndObject();
        }
    }

    /** A server tool's result, whole in its start event: {@code type} names it, {@code content} is the result. */
    record ServerToolResult(String type, String toolUseId, JsonNode content) implements ContentBlock {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            out.writeStringField("type", type);
            out.writeStringField("tool_use_id", toolUseId);
            out.writeFieldName("content");
            JsonTrees.write(out, content);
            writeDirectCaller(out);
            out.writeEndObject();
        }
    }

    private static void writeDirectCaller(JsonGenerator out) throws IOException {
        out.writeObjectFieldStart("caller");
        out.writeStringField("type", "direct");
        out.writeEndObject();
    }
}
