package dev.ccrouter.api.anthropic;

import java.io.ByteArrayOutputStream;
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

    /** Appends one frame. {@code json} must be single-line JSON (Jackson's compact output is). */
    public static void append(ByteArrayOutputStream out, String event, byte[] json) {
        out.writeBytes(EVENT);
        out.writeBytes(event.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(DATA);
        out.writeBytes(json);
        out.writeBytes(END);
    }

    /** Appends an SSE comment line, which every SSE client ignores. */
    public static void appendComment(ByteArrayOutputStream out, String text) {
        out.writeBytes((": " + text + "\n\n").getBytes(StandardCharsets.UTF_8));
    }
}
