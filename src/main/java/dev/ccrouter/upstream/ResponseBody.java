package dev.ccrouter.upstream;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;

/**
 * A response body as its framing delimits it — chunked, a declared length, or the connection's end — read straight
 * from the connection's buffer. When the body ends cleanly and the connection may be reused, it goes back to the pool;
 * a body abandoned midway closes the connection, which is what tells a provider to stop generating.
 */
final class ResponseBody extends InputStream {
    private enum Framing { CHUNKED, LENGTH, UNTIL_CLOSE, NONE }

    /** The longest chunk-size or trailer line accepted, in characters. */
    private static final int MAX_FRAMING_LINE = 4096;

    private final Http1Connection connection;
    private final UpstreamInput in;
    private final Framing framing;
    private final boolean reusable;
    private final Consumer<Http1Connection> release;
    private long remaining; // bytes left in the current chunk, or of the declared length
    private boolean ended;
    private boolean closed;

    ResponseBody(Http1Connection connection, ResponseHead head, Consumer<Http1Connection> release) throws IOException {
        this.connection = connection;
        this.in = connection.input();
        this.release = release;
        long length = head.contentLength();
        if (head.bodiless()) {
            framing = Framing.NONE;
        } else if (head.chunked()) {
            framing = Framing.CHUNKED;
        } else if (length >= 0) {
            framing = Framing.LENGTH;
            remaining = length;
        } else {
            framing = Framing.UNTIL_CLOSE;
        }
        reusable = framing != Framing.UNTIL_CLOSE && !head.closesConnection();
        if (framing == Framing.NONE || framing == Framing.LENGTH && remaining == 0) {
            end();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (ended) {
            return -1;
        }
        if (closed) {
            throw new IOException("the response was closed");
        }
        if (length == 0) {
            return 0;
        }
        return switch (framing) {
            case CHUNKED -> readChunked(buffer, offset, length);
            case LENGTH -> readDeclared(buffer, offset, length);
            case UNTIL_CLOSE -> readUntilClose(buffer, offset, length);
            case NONE -> -1;
        };
    }

    private int readChunked(byte[] buffer, int offset, int length) throws IOException {
        if (remaining == 0) {
            remaining = chunkSize();
            if (remaining == 0) {
                skipTrailers();
                end();
                return -1;
            }
        }
        int read = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (read < 0) {
            throw new EOFException("the upstream closed the connection in the middle of a chunk");
        }
        remaining -= read;
        if (remaining == 0) {
            expectLineEnd();
        }
        return read;
    }

    private int readDeclared(byte[] buffer, int offset, int length) throws IOException {
        int read = in.read(buffer, offset, (int) Math.min(length, remaining));
        if (read < 0) {
            throw new EOFException("the upstream closed the connection " + remaining + " bytes before the declared end");
        }
        remaining -= read;
        if (remaining == 0) {
            end();
        }
        return read;
    }

    private int readUntilClose(byte[] buffer, int offset, int length) throws IOException {
        int read = in.read(buffer, offset, length);
        if (read < 0) {
            end();
        }
        return read;
    }

    /** A chunk-size line: hex digits, maybe extensions after ';'. */
    private long chunkSize() throws IOException {
        String line = line();
        int end = line.indexOf(';');
        String hex = (end < 0 ? line : line.substring(0, end)).strip();
        try {
            long size = Long.parseLong(hex, 16);
            if (size < 0) {
                throw new NumberFormatException();
            }
            return size;
        } catch (NumberFormatException e) {
            throw new IOException("the upstream sent a malformed chunk size: '" + abbreviate(line) + "'");
        }
    }

    private void expectLineEnd() throws IOException {
        if (!line().isEmpty()) {
            throw new IOException("the upstream's chunk did not end where its size said");
        }
    }

    private void skipTrailers() throws IOException {
        while (!line().isEmpty()) {
            // trailer fields carry nothing the gateway uses
        }
    }

    private String line() throws IOException {
        return in.readLine(MAX_FRAMING_LINE);
    }

    /**
     * Has {@code action} run before each read of this body from the network; it stops with the body (the connection
     * then serves other requests).
     */
    void beforeReading(Runnable action) {
        if (!ended && !closed) {
            in.beforeReading(action);
        }
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        in.beforeReading(null);
        // Bytes past the body's end (a stray line break after its Content-Length) would be read as the start of the
        // next request's answer on this connection: such a connection is not reused.
        if (reusable && !closed && in.buffered() == 0) {
            release.accept(connection);
        } else {
            connection.close();
        }
    }

    /** The bytes still to come of a body with a declared length; -1 for other framings. */
    long declaredRemaining() {
        return framing == Framing.LENGTH ? (ended ? 0 : remaining) : framing == Framing.NONE ? 0 : -1;
    }

    /** Whether the body was read to its end (the connection then went back to the pool, or closed by framing). */
    boolean ended() {
        return ended;
    }

    /** Abandons the body: unless it already ended, the connection closes, which cancels the upstream's work. */
    @Override
    public void close() {
        if (!ended && !closed) {
            closed = true;
            in.beforeReading(null);
            connection.close();
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
