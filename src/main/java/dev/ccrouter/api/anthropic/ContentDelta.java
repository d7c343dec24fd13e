package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import java.io.IOException;

/** The {@code delta} of a {@code content_block_delta} event. */
public sealed interface ContentDelta {

    /** The delta's wire type, e.g. {@code text_delta}. */
    SerializableString type();

    /** The one text field the delta carries. */
    String value();

    /** The name of that field. */
    SerializableString field();

    default void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        WireNames.field(out, WireNames.TYPE, type());
        out.writeFieldName(field());
        out.writeString(value());
        out.writeEndObject();
    }

    record Text(String value) implements ContentDelta {
        public SerializableString type() {
            return WireNames.TEXT_DELTA;
        }

        public SerializableString field() {
            return WireNames.TEXT;
        }
    }

    record Thinking(String value) implements ContentDelta {
        public SerializableString type() {
            return WireNames.THINKING_DELTA;
        }

        public SerializableString field() {
            return WireNames.THINKING;
        }
    }

    record Signature(String value) implements ContentDelta {
        public SerializableString type() {
            return WireNames.SIGNATURE_DELTA;
        }

        public SerializableString field() {
            return WireNames.SIGNATURE;
        }
    }

    record InputJson(String value) implements ContentDelta {
        public SerializableString type() {
            return WireNames.INPUT_JSON_DELTA;
        }

        public SerializableString field() {
            return WireNames.PARTIAL_JSON;
        }
    }
}
