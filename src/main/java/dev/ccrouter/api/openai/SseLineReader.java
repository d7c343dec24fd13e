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
 *
 * <p>Its cost is linear in the bytes read (a line arriving in many small reads is scanned once), and a line or an
 * event longer than the maximum ends the read with {@link TooLong}: an upstream that never sends a newline cannot make
 * the gateway buffer without bound.
 */
public final class SseLineReader {
    /** The payload OpenAI-style servers end a stream with; it is not JSON. */
    public static final String DONE = "[DONE]";

    /** The default maximum: a whole 32 MiB request's worth of text in one event is already far beyond any answer. */
    public static final int DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

    /**
     * The buffer a reader starts with; it doubles whenever a line does not fit. Small, because a stream holds it for
     * as long as it is open, mostly waiting: at thousands of slow streams each kilobyte here is megabytes of heap.
     */
    static final int INITIAL_BUFFER_BYTES = 1024;

    private final InputStream in;
    private final int maxBytes;
    private byte[] buffer = new byte[INITIAL_BUFFER_BYTES];
    private int start;
    private int end;
    /** Where the search for the next newline resumes: everything between {@code start} and here has none. */
    private int scanned;
    private boolean eof;

    public SseLineReader(InputStream in) {
        this(in, DEFAULT_MAX_BYTES);
    }

    public SseLineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** A line or event over the maximum size; the stream cannot be read further. */
    public static final class TooLong extends IOException {
        TooLong(String what, int maxBytes) {
            super("the upstream sent an SSE " + what + " longer than " + maxBytes + " bytes");
        }
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
                if (data.length() > maxBytes) {
                    throw new TooLong("event", maxBytes);
                }
            }
            // ':' comments, event:, id:, retry: and unknown fields are ignored.
        }
    }

    private String readLine() throws IOException {
        while (true) {
            for (int i = Math.max(start, scanned); i < end; i++) {
                if (buffer[i] == '\n') {
                    int lineEnd = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buffer, start, lineEnd - start, StandardCharsets.UTF_8);
                    start = i + 1;
                    scanned = start;
                    return line;
                }
            }
            scanned = end;
            if (end - start > maxBytes) {
                throw new TooLong("line", maxBytes);
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
            scanned -= start;
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
