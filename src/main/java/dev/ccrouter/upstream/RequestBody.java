package dev.ccrouter.upstream;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.JsonTrees;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A request body to post, serialized behind room for the request head: the head is written into that room when the
 * request is sent, and head and body leave in one socket write, whatever the body's size (a head and a body written
 * apart cost a second system call per request, and a copy of the body to join them).
 *
 * <p>A body serialized here ({@link #json}) is written into an array kept from an earlier body when one is free
 * ({@link BodyArrays}); whoever made it gives the array back with {@link #recycle} once the call is over.
 */
public final class RequestBody {
    /** Room kept for the head: enough for the usual heads. */
    static final int HEAD_ROOM = 1024;
    private static final BodyArrays ARRAYS = BodyArrays.shelf();

    private byte[] bytes; // null once recycled: a use after that fails instead of sending another body's bytes
    private final int start;
    private final int length;
    private final boolean kept; // the array is the shelf's to reuse, not a caller's

    private RequestBody(byte[] bytes, int start, int length, boolean kept) {
        this.bytes = bytes;
        this.start = start;
        this.length = length;
        this.kept = kept;
    }

    /** A body already in bytes (no room for a head: see {@link #writeWith}); its array stays the caller's. */
    public static RequestBody of(byte[] body) {
        return new RequestBody(body, 0, body.length, false);
    }

    /**
     * A JSON tree written compactly, as {@link ObjectMapper#writeValueAsBytes} would.
     *
     * @param sizeHint about how many bytes the JSON will take (the client's body length, say): the buffer is made that
     *                 large and an eighth more at once instead of growing and copying its way there (a Claude Code
     *                 body comes out a few hundred bytes longer than it came in: the function wrappers of its tools)
     */
    public static RequestBody json(ObjectMapper json, JsonNode tree, long sizeHint) {
        long hint = Math.max(sizeHint, 0);
        int capacity = (int) Math.min(Integer.MAX_VALUE - 16, HEAD_ROOM + hint + hint / 8 + 256);
        Buffer buffer = new Buffer(ARRAYS.take(capacity));
        try (JsonGenerator out = json.getFactory().createGenerator(buffer)) {
            JsonTrees.write(out, tree);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return new RequestBody(buffer.bytes(), HEAD_ROOM, buffer.size() - HEAD_ROOM, true);
    }

    /**
     * Gives a serialized body's array back for a later body: once the calls that send it are over (their responses'
     * heads read, or failed). The body must not be used after.
     */
    public void recycle() {
        byte[] array = bytes;
        bytes = null;
        if (kept && array != null) {
            ARRAYS.give(array);
        }
    }

    /** The body's length in bytes (the request's {@code Content-Length}). */
    public int length() {
        return length;
    }

    /** A copy of the body's bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(array(), start, start + length);
    }

    private byte[] array() {
        byte[] array = bytes;
        if (array == null) {
            throw new IllegalStateException("this request body was recycled: its array may hold another body now");
        }
        return array;
    }

    /**
     * Writes head and body to {@code out}: in one call when the head fits in the room before the body, or when the
     * two together are at most {@link Http1Connection#ONE_WRITE_BYTES} (copied into one array); a larger body without
     * room goes after its head, straight from its array.
     */
    void writeWith(byte[] head, OutputStream out) throws IOException {
        byte[] bytes = array();
        if (head.length <= start) {
            int from = start - head.length;
            System.arraycopy(head, 0, bytes, from, head.length);
            out.write(bytes, from, head.length + length);
        } else if (head.length + length <= Http1Connection.ONE_WRITE_BYTES) {
            byte[] whole = Arrays.copyOf(head, head.length + length);
            System.arraycopy(bytes, start, whole, head.length, length);
            out.write(whole);
        } else {
            out.write(head);
            out.write(bytes, start, length);
        }
        out.flush();
    }

    /**
     * A byte buffer over a given array (a former body's contents are overwritten, never read) whose first
     * {@link #HEAD_ROOM} bytes are kept free, and whose array is taken without a copy.
     */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer(byte[] array) {
            super(0);
            buf = array;
            count = HEAD_ROOM;
        }

        byte[] bytes() {
            return buf;
        }
    }
}
