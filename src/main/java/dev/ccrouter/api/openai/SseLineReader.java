package dev.ccrouter.api.openai;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads the {@code data:} payloads of an OpenAI-style SSE body as they arrive. Comment lines (OpenRouter's
 * {@code : OPENROUTER PROCESSING} keep-alives), {@code event:}, {@code id:} and {@code retry:} lines are skipped;
 * several {@code data:} lines of one event are joined with a newline, as the SSE specification says.
 * It reads whatever the socket has and never waits for more than one event.
 *
 * <p>A payload is handed out as bytes, where they lie: {@link #data()} from {@link #dataOffset()} for
 * {@link #dataLength()} bytes, valid until the next {@link #nextEvent()}. An event of one {@code data:} line — every
 * chunk of the usual upstreams — is never copied or decoded here, and the JSON parser reads its UTF-8 directly; only
 * an event of several lines is joined into an array of its own. Lines are found by their {@code \n} byte, which never
 * occurs inside a multi-byte UTF-8 character, so a read that ends inside one (or between {@code \r} and {@code \n})
 * only means the line is not complete yet.
 *
 * <p>Its cost is linear in the bytes read (a line arriving in many small reads is scanned once), and a line or an
 * event longer than the maximum ends the read with {@link TooLong}: an upstream that never sends a newline cannot make
 * the gateway buffer without bound.
 */
public final class SseLineReader {
    /** The payload OpenAI-style servers end a stream with; it is not JSON. */
    private static final byte[] DONE = {'[', 'D', 'O', 'N', 'E', ']'};
    private static final byte[] DATA_FIELD = {'d', 'a', 't', 'a', ':'};

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
    /** The last line read: from {@code start}'s old place to here, without its {@code \r\n}. */
    private int lineStart;
    private int lineEnd;

    /** The event's data: in {@link #buffer} while it is one line (kept there by {@link #fill}), else apart. */
    private byte[] data;
    private int dataOffset;
    private int dataLength;
    /** Whether the event's data lies in the buffer from {@link #dataOffset}: {@link #fill} must not move it away. */
    private boolean dataInBuffer;

    public SseLineReader(InputStream in) {
        this(in, DEFAULT_MAX_BYTES);
    }

    public SseLineReader(InputStream in, int maxBytes) {
        this.in = in;
        this.maxBytes = maxBytes;
    }

    /** A line or event over the maximum size; the stream cannot be read further. */
    public static final class TooLong extends IOException {
        public TooLong(String what, int maxBytes) {
            super("the upstream sent an SSE " + what + " longer than " + maxBytes + " bytes");
        }
    }

    /**
     * Reads the next event's data; false at the end of the body. Reading one line at a time keeps latency at one
     * network read: an event is handed on as soon as its blank line arrives.
     */
    public boolean nextEvent() throws IOException {
        data = null;
        dataInBuffer = false;
        while (true) {
            if (!readLine()) {
                dataInBuffer = false;
                return data != null;
            }
            int length = lineEnd - lineStart;
            if (length == 0) {
                if (data != null) {
                    dataInBuffer = false;
                    return true;
                }
                continue;
            }
            if (startsWith(buffer, lineStart, length, DATA_FIELD)) {
                int valueStart = length > 5 && buffer[lineStart + 5] == ' ' ? lineStart + 6 : lineStart + 5;
                addData(valueStart, lineEnd - valueStart);
            }
            // ':' comments, event:, id:, retry: and unknown fields are ignored.
        }
    }

    /** The array holding the data of the event just read. */
    public byte[] data() {
        return data;
    }

    public int dataOffset() {
        return dataOffset;
    }

    public int dataLength() {
        return dataLength;
    }

    /** Whether the event just read is the {@code [DONE]} that ends OpenAI-style streams. */
    public boolean isDone() {
        return dataLength == DONE.length && startsWith(data, dataOffset, dataLength, DONE);
    }

    private void addData(int valueStart, int valueLength) throws TooLong {
        if (data == null) {
            data = buffer;
            dataOffset = valueStart;
            dataLength = valueLength;
            dataInBuffer = true;
            return;
        }
        int joinedLength = dataLength + 1 + valueLength;
        if (joinedLength > maxBytes) {
            throw new TooLong("event", maxBytes);
        }
        if (dataInBuffer) { // the event's second line: its data moves out of the buffer, into an array of its own
            data = Arrays.copyOfRange(data, dataOffset, dataOffset + Math.max(joinedLength, 2 * dataLength));
            dataOffset = 0;
            dataInBuffer = false;
        } else if (data.length < joinedLength) {
            data = Arrays.copyOf(data, Math.max(joinedLength, 2 * data.length));
        }
        data[dataLength] = '\n';
        System.arraycopy(buffer, valueStart, data, dataLength + 1, valueLength);
        dataLength = joinedLength;
    }

    /** Finds the next line ({@link #lineStart} to {@link #lineEnd}); false at the end of the body. */
    private boolean readLine() throws IOException {
        while (true) {
            for (int i = Math.max(start, scanned); i < end; i++) {
                if (buffer[i] == '\n') {
                    lineStart = start;
                    lineEnd = i > start && buffer[i - 1] == '\r' ? i - 1 : i;
                    start = i + 1;
                    scanned = start;
                    return true;
                }
            }
            scanned = end;
            if (end - start > maxBytes) {
                throw new TooLong("line", maxBytes);
            }
            if (eof) {
                if (start == end) {
                    return false;
                }
                lineStart = start;
                lineEnd = end;
                start = end;
                return true;
            }
            fill();
        }
    }

    /** Reads more, first moving what is still needed (the line so far, and the event's data line) to the front. */
    private void fill() throws IOException {
        int keep = dataInBuffer ? Math.min(dataOffset, start) : start;
        if (keep > 0) {
            System.arraycopy(buffer, keep, buffer, 0, end - keep);
            end -= keep;
            start -= keep;
            scanned -= keep;
            if (dataInBuffer) {
                dataOffset -= keep;
            }
        }
        if (end == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
            if (dataInBuffer) {
                data = buffer;
            }
        }
        int read = in.read(buffer, end, buffer.length - end);
        if (read < 0) {
            eof = true;
        } else {
            end += read;
        }
    }

    private static boolean startsWith(byte[] bytes, int offset, int length, byte[] prefix) {
        return length >= prefix.length
                && Arrays.equals(bytes, offset, offset + prefix.length, prefix, 0, prefix.length);
    }
}
