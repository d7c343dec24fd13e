package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** The {@code delta} of a {@code content_block_delta} event. */
public sealed interface ContentDelta {

    /** The delta's wire type, e.g. {@code text_delta}. */
    String type();

    /** The one text field the delta carries. */
    String value();

    /** The name of that field. */
    String field();

    default void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("type", type());
        out.writeStringField(field(), value());
        out.writeEndObject();
    }

    record Text(String value) implements ContentDelta {
        public String type() {
            return "text_delta";
        }

        public String field() {
            return "text";
        }
    }

    record Thinking(String value) implements ContentDelta {
        public String type() {
            return "thinking_delta";
        }

        public String field() {
            return "thinking";
        }
    }

    record Signature(String value) implements ContentDelta {
        public String type() {
            return "signature_delta";
        }

        public String field() {
            return "signature";
        }
    }

    record InputJson(String value) implements ContentDelta {
        public String type() {
            return "input_json_delta";
        }

        public String field() {
            return "partial_json";
        }
    }
}
