package dev.ccrouter.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request's body, read from the connection as the handler asks: a declared length, or chunks (RFC 9112 §7.1, with
 * extensions ignored and trailers read past). {@code 100 Continue} goes out at the first read of a client that asked
 * for it, so a handler that refuses a request without reading its body never invites it.
 */
final class RequestBodyInput extends InputStream {
    /** The longest chunk-size line or trailer line accepted. */
    private static final int MAX_LINE = 4096;

    private final Http1Connection connection;
    private final RequestHead.Framing framing;
    private boolean continueDue;
    /** Bytes left of the declared length, or of the current chunk. */
    private long remaining;
    private boolean done;
    private boolean failed;
    /** Some of the body was read: a handler that stops inside a chunked body found it larger than it wanted. */
    private boolean started;

    RequestBodyInput(Http1Connection connection, RequestHead head) {
        this.connection = connection;
        this.framing = head.framing;
        this.remaining = head.framing == RequestHead.Framing.LENGTH ? head.contentLength : 0;
        this.done = head.framing == RequestHead.Framing.NONE;
        this.continueDue = head.expectsContinue && !done;
    }

    /** Whether the whole body was read. */
    boolean done() {
        return done;
    }

    /** Whether its framing broke (a malformed chunk, a client gone): the connection cannot be reused. */
    boolean failed() {
        return failed;
    }

    /** Bytes still to come of a declared length; -1 when unknown (chunks). */
    long remainingDeclared() {
        return framing == RequestHead.Framing.LENGTH ? remaining : -1;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (done) {
            return -1;
        }
        try {
            if (continueDue) {
                continueDue = false;
                connection.sendContinue();
            }
            if (framing == RequestHead.Framing.CHUNKED && remaining == 0) {
                remaining = nextChunkSize();
                if (remaining == 0) {
                    skipTrailers();
                    done = true;
                    return -1;
                }
            }
            int read = connection.readBody(bytes, offset, (int) Math.min(length, remaining));
            if (read < 0) {
                throw new EOFException("the client closed its connection inside the request body");
            }
            started = true;
            remaining -= read;
            if (remaining == 0) {
                if (framing == RequestHead.Framing.LENGTH) {
                    done = true;
                } else {
                    expectLineEnd();
                }
            }
            return read;
        } catch (IOException e) {
            failed = true;
            throw e;
        }
    }

    @Override
    public int available() {
        return done ? 0 : (int) Math.min(connection.buffered(), remaining);
    }

    /**
     * Whether what is left may be read and dropped so the connection serves another request: at most {@code limit}
     * bytes of a declared length; chunks the handler did not begin to read (their size shows only as they are read:
     * {@link #drain} gives up past the limit), not chunks it began and left (it found the body larger than it takes).
     * Not a body the client holds back until invited ({@code 100-continue}): it may never come.
     */
    boolean drainable(long limit) {
        return done || !failed && !continueDue
                && (framing == RequestHead.Framing.CHUNKED ? !started : remaining <= limit);
    }

    /** Reads and drops what is left, at most {@code limit} bytes ({@link #drainable}); false when it cannot. */
    boolean drain(long limit) {
        if (done) {
            return true;
        }
        if (!drainable(limit)) {
            return false;
        }
        byte[] sink = new byte[8192];
        long dropped = 0;
        try {
            for (int read; (read = read(sink, 0, sink.length)) >= 0; ) {
                dropped += read;
                if (dropped > limit) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code chunk-size [ BWS ";" chunk-ext ]} (RFC 9112 §7.1), strictly: hex digits from the line's first byte, then
     * only spaces or tabs before an extension, whose bytes are a header value's (no CR, NUL or other control). A
     * lenient reader here is what lets a front proxy and this server cut the same bytes into different requests.
     */
    private long nextChunkSize() throws IOException {
        String line = connection.readLine(MAX_LINE);
        int digits = 0;
        long value = 0;
        while (digits < line.length() && Character.digit(line.charAt(digits), 16) >= 0) {
            value = value << 4 | Character.digit(line.charAt(digits), 16);
            digits++;
        }
        if (digits == 0 || digits > 15) {
            throw malformedChunk();
        }
        int at = digits;
        while (at < line.length() && (line.charAt(at) == ' ' || line.charAt(at) == '\t')) {
            at++;
        }
        if (at < line.length() ? line.charAt(at) != ';' : at > digits) { // spaces only before an extension
            throw malformedChunk();
        }
        for (int i = at; i < line.length(); i++) {
            if (!Tokens.isValueByte(line.charAt(i))) {
                throw malformedChunk();
            }
        }
        return value;
    }

    private static BadRequest malformedChunk() {
        return new BadRequest(400, "Malformed chunk size in the request body.");
    }

    private void expectLineEnd() throws IOException {
        if (!connection.readLine(2).isEmpty()) {
            throw new BadRequest(400, "A chunk of the request body is longer than its size.");
        }
    }

    /** Reads past the trailer fields, each checked as a header field is (a name, a colon, value bytes). */
    private void skipTrailers() throws IOException {
        for (int lines = 0; ; lines++) {
            String line = connection.readLine(MAX_LINE);
            if (line.isEmpty()) {
                return;
            }
            if (lines == 100) {
                throw new BadRequest(431, "Too many trailer fields in the request body.");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !Tokens.isToken(line.substring(0, colon))) {
                throw new BadRequest(400, "Malformed trailer field in the request body.");
            }
            for (int i = colon + 1; i < line.length(); i++) {
                if (!Tokens.isValueByte(line.charAt(i))) {
                    throw new BadRequest(400, "Malformed trailer field in the request body.");
                }
            }
        }
    }
}
