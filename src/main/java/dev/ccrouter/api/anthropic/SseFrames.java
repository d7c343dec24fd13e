package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Anthropic SSE framing: {@code event: <name>\ndata: <json>\n\n}. The event line is never omitted: the official
 * SDKs dispatch on it and silently drop data-only frames.
 */
public final class SseFrames {
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseFrames() {
    }

    /**
     * Appends one event's frame, its JSON written straight into {@code out} (compact, so on one line): no byte array
     * of its own per event.
     */
    public static void append(ByteArrayOutputStream out, StreamEvent event, JsonFactory json) {
        out.writeBytes(EVENT);
        out.writeBytes(event.type().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(DATA);
        try (JsonGenerator generator = json.createGenerator(out)) {
            event.write(generator);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        out.writeBytes(END);
    }

    /** Appends an SSE comment line, which every SSE client ignores. */
    public static void appendComment(ByteArrayOutputStream out, String text) {
        out.writeBytes((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
