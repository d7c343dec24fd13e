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
            WireNames.field(out, WireNames.TYPE, WireNames.TEXT);
            WireNames.field(out, WireNames.TEXT, WireNames.EMPTY);
            out.writeEndObject();
        }
    }

    /** {@code {"type":"thinking","thinking":"","signature":""}}: the signature arrives as a delta. */
    record Thinking() implements ContentBlock {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            WireNames.field(out, WireNames.TYPE, WireNames.THINKING);
            WireNames.field(out, WireNames.THINKING, WireNames.EMPTY);
            WireNames.field(out, WireNames.SIGNATURE, WireNames.EMPTY);
            out.writeEndObject();
        }
    }

    /** Encrypted reasoning, whole in its start event. */
    record RedactedThinking(String data) implements ContentBlock {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            WireNames.field(out, WireNames.TYPE, WireNames.REDACTED_THINKING);
            WireNames.field(out, WireNames.DATA, data);
            out.writeEndObject();
        }
    }

    /** A client tool call; its input arrives as {@code input_json_delta} fragments. */
    record ToolUse(String id, String name) implements ContentBlock {
        @Override
        public void write(JsonGenerator out) throws IOException {
            out.writeStartObject();
            WireNames.field(out, WireNames.TYPE, WireNames.TOOL_USE);
            WireNames.field(out, WireNames.ID, id);
            WireNames.field(out, WireNames.NAME, name);
            out.writeFieldName(WireNames.INPUT);
            out.writeStartObject();
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
            WireNames.field(out, WireNames.TYPE, WireNames.SERVER_TOOL_USE);
            WireNames.field(out, WireNames.ID, id);
            WireNames.field(out, WireNames.NAME, name);
            out.writeFieldName(WireNames.INPUT);
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
            WireNames.field(out, WireNames.TYPE, type);
            WireNames.field(out, WireNames.TOOL_USE_ID, toolUseId);
            out.writeFieldName(WireNames.CONTENT);
            JsonTrees.write(out, content);
            writeDirectCaller(out);
            out.writeEndObject();
        }
    }

    private static void writeDirectCaller(JsonGenerator out) throws IOException {
        out.writeFieldName(WireNames.CALLER);
        out.writeStartObject();
        WireNames.field(out, WireNames.TYPE, WireNames.DIRECT);
        out.writeEndObject();
    }
}
