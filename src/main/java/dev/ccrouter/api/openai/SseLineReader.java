package dev.ccrouter.api.openai;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the {@code data:} payloads of an OpenAI-style SSE body as they arrive. Comment lines (OpenRouter's
 * {@code : OPENROUTER PROCESSING} keep-alives), {@code event:}, {@code id:} and {@code retry:} lines are skipped;
 * several {@code data:} lines of one event are joined with a newline, as the SSE specification says.
 * It reads whatever the socket has and never waits for more than one event.
 */
public final class SseLineReader {
    /** The payload OpenAI-style servers end a stream with; it is not JSON. */
    public static final String DONE = "[DONE]";

    private final InputStream in;
    private byte[] buffer = new byte[8192];
    private int start;
    private int end;
    private boolean eof;

    public SseLineReader(InputStream in) {
        this.in = in;
    }

    /**
     * The next event's data, or null at the end of the body. Reading one line at a time keeps latency at one
     * network read: an event is handed on as soon as its blank line arrives.
     */
    public String next() throws IOException {
        StringBuilder data = null;
        while (true) {
            String line = readLine();
            if (line == null) {
                return data == null ? null : data.toString();
            }
            if (line.isEmpty()) {
                if (data != null) {
                    return data.toString();
                }
                continue;
            }
            if (line.startsWith("data:")) {
                String value = line.length() > 5 && line.charAt(5) == ' ' ? line.substring(6) : line.substring(5);
                if (data == null) {
                    data = new StringBuilder(value);
                } else {
                    data.append('\n').append(value);
                }
            }
            // ':' comments, event:, id:, retry: and unknown fields are ignored.
        }
    }

    /**
     * Whether a whole further event has already been received, so the next {@link #next()} will not wait on the
     * network. A writer relaying events flushes only when this is false: what arrived together leaves together,
     * and nothing already translated waits for the upstream.
     */
    public boolean hasBufferedEvent() {
        for (int i = start; i + 1 < end; i++) {
            if (buffer[i] == '\n' && (buffer[i + 1] == '\n' || buffer[i + 1] == '\r' && i + 2 < end && buffer[i + 2] == '\n')) {
                return true;
            }
        }
        return false;
    }

    private String readLine() throws IOException {
        while (true) {
            for (int i = start; i < end; i++) {
                if (buffer[i] == '\n') {
                    int lineEnd = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buffer, start, lineEnd - start, StandardCharsets.UTF_8);
                    start = i + 1;
                    return line;
                }
            }
            if (eof) {
                if (start == end) {
                    return null;
                }
                String rest = new String(buffer, start, end - start, StandardCharsets.UTF_8);
                start = end;
                return rest;
            }
            fill();
        }
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        }
        int read = in.read(buffer, end, buffer.length - end);
        if (read < 0) {
            eof = true;
        } else {
            end += read;
        }
    }
}
