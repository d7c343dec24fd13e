package dev.ccrouter.http;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One response: a status and headers, then either a whole body ({@link #send(byte[])}) or a stream
 * ({@link #outputStream()}). Nothing reaches the socket before the body starts; the head and the first bytes of the
 * body then leave in one write, and every later flush is one write. A streamed body is sent chunked unless the
 * handler set a {@code Content-Length}, or closed the stream before its first flush (then its length is known).
 */
public final class ServerResponse {
    /** What a response gathers before a write; a larger write goes out beside it, uncopied. */
    static final int BUFFER = 2048;
    /**
     * How much of a streamed body is held back before its first flush: a body closed within it leaves in one write
     * with its length; past it, the head goes out and the body is chunked.
     */
    private static final int HELD_BEFORE_FLUSH = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private enum State { OPEN, SENT, FINISHED }

    private enum Framing { LENGTH, CHUNKED, UNTIL_CLOSE }

    private final Http1Connection connection;
    private final boolean headRequest;
    private final boolean http10;
    private final boolean clientKeepsAlive;
    private int status = 200;
    private String reason;
    private HeaderName[] names = new HeaderName[8];
    private String[] values = new String[8];
    private int headerCount;
    private List<Runnable> beforeSend;
    private State state = State.OPEN;
    private boolean keepsAlive;
    private boolean broken;
    private boolean abandoned;
    private Output output;
    /** The bytes gathered for the next write: the head, chunk framing, small bodies. */
    private byte[] out;
    private int outLength;

    ServerResponse(Http1Connection connection, boolean headRequest, boolean http10, boolean clientKeepsAlive) {
        this.connection = connection;
        this.headRequest = headRequest;
        this.http10 = http10;
        this.clientKeepsAlive = clientKeepsAlive;
    }

    public ServerResponse status(int status) {
        return status(status, null);
    }

    /** A status with a reason phrase of the caller's; null takes the standard one. */
    public ServerResponse status(int status, String reason) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("not a status: " + status);
        }
        checkOpen();
        this.status = status;
        this.reason = reason;
        return this;
    }

    public int status() {
        return status;
    }

    /** Sets a header, replacing any value it had. */
    public ServerResponse header(HeaderName name, String value) {
        checkOpen();
        for (int i = 0; i < headerCount; i++) {
            if (names[i].equals(name)) {
                values[i] = value;
                return this;
            }
        }
        if (headerCount == names.length) {
            names = Arrays.copyOf(names, headerCount * 2);
            values = Arrays.copyOf(values, headerCount * 2);
        }
        names[headerCount] = name;
        values[headerCount++] = value;
        return this;
    }

    public ServerResponse header(String name, String value) {
        return header(HeaderNames.create(name), value);
    }

    public ServerResponse header(Header header) {
        return header(header.name(), header.value());
    }

    /** The value set for a header, if any. */
    public Optional<String> headerValue(HeaderName name) {
        for (int i = 0; i < headerCount; i++) {
            if (names[i].equals(name)) {
                return Optional.of(values[i]);
            }
        }
        return Optional.empty();
    }

    /** Runs just before the head is written; it may still set headers. */
    public void beforeSend(Runnable action) {
        if (beforeSend == null) {
            beforeSend = new ArrayList<>(2);
        }
        beforeSend.add(action);
    }

    /** Whether the head has been written (or is being written): status and headers can no longer change. */
    public boolean isSent() {
        return state != State.OPEN;
    }

    /** Sends an empty body. */
    public void send() {
        send(new byte[0]);
    }

    public void send(String body) {
        send(body.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends the whole body, with its {@code Content-Length}, in one write with the head.
     *
     * @throws UncheckedIOException when the client is gone
     */
    public void send(byte[] body) {
        checkOpen();
        boolean bodiless = bodiless();
        if (!bodiless) {
            header(HeaderNames.CONTENT_LENGTH, String.valueOf(body.length));
        }
        try {
            writeHead(Framing.LENGTH);
            state = State.FINISHED;
            if (bodiless || headRequest) {
                writeOut();
            } else {
                append(body, 0, body.length);
                writeOut();
            }
        } catch (IOException e) {
            broken = true;
            throw new UncheckedIOException(e);
        }
    }

    /** The body as a stream; {@link OutputStream#close()} ends the response. */
    public OutputStream outputStream() {
        checkOpen();
        if (output == null) {
            output = new Output();
        }
        return output;
    }

    private void checkOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("the response was already sent");
        }
    }

    /** 1xx, 204 and 304 carry no body, and no Content-Length for one. */
    private boolean bodiless() {
        return status < 200 || status == 204 || status == 304;
    }

    /** Whether the handler began a response (sent its head, or took its body's stream), or abandoned it. */
    boolean begun() {
        return state != State.OPEN || output != null || abandoned;
    }

    /** The response cannot be completed (its handler failed after its head went out): the connection closes. */
    void markBroken() {
        broken = true;
    }

    /**
     * Sends nothing and closes the connection after the exchange: the request was answered outside this response (a
     * watcher's own {@link Connection#writeRaw}, such as a timeout's), and a second answer would confuse the client; or
     * its client left before any answer, and there is nobody to answer.
     */
    public void abandon() {
        broken = true;
        abandoned = true;
    }

    boolean finished() {
        return state == State.FINISHED;
    }

    /** A write failed, or the body's framing could not be kept: the connection cannot carry another response. */
    boolean broken() {
        return broken;
    }

    /** Whether the connection serves another request after this response (decided when its head was written). */
    boolean keepsAlive() {
        return keepsAlive && !broken && state == State.FINISHED;
    }

    /**
     * Ends a streamed body the handler left open; not one that broke (its handler failed after the head went out):
     * a last chunk would tell the client the body was whole.
     */
    void finish() throws IOException {
        if (output != null && state != State.FINISHED && !broken) {
            output.close();
        }
    }

    private void writeHead(Framing framing) {
        if (beforeSend != null) {
            for (Runnable action : beforeSend) {
                action.run();
            }
        }
        state = State.SENT;
        boolean handlerCloses = false;
        for (int i = 0; i < headerCount; i++) {
            if (names[i].equals(HeaderNames.CONNECTION) && values[i].toLowerCase(Locale.ROOT).contains("close")) {
                handlerCloses = true;
            }
        }
        keepsAlive = clientKeepsAlive && !handlerCloses && framing != Framing.UNTIL_CLOSE && connection.mayKeepAlive();
        out = connection.responseBuffer();
        outLength = 0;
        append(StatusLines.line(status, reason));
        for (int i = 0; i < headerCount; i++) {
            if (!keepsAlive && names[i].equals(HeaderNames.CONNECTION)) {
                continue; // written below, as close
            }
            appendHeader(names[i], values[i]);
        }
        append(StatusLines.dateLine());
        if (framing == Framing.CHUNKED) {
            appendHeader(HeaderNames.TRANSFER_ENCODING, "chunked");
        }
        if (!keepsAlive) {
            appendHeader(HeaderNames.CONNECTION, "close");
        } else if (http10) {
            appendHeader(HeaderNames.CONNECTION, "keep-alive");
        }
        append(CRLF);
    }

    private void appendHeader(HeaderName name, String value) {
        append(name.headPrefix());
        ensure(value.length() + 2);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // a control character or one beyond Latin-1 could split the head: it goes out as a space
            out[outLength++] = (byte) (c < 0x20 && c != '\t' || c > 0xFF ? ' ' : c);
        }
        out[outLength++] = '\r';
        out[outLength++] = '\n';
    }

    private void append(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, out, outLength, bytes.length);
        outLength += bytes.length;
    }

    private void ensure(int more) {
        if (outLength + more > out.length) {
            out = Arrays.copyOf(out, Math.max(out.length * 2, outLength + more));
        }
    }

    /** Gathers body bytes: copied when they fit, else written now beside what was gathered. */
    private void append(byte[] bytes, int offset, int length) throws IOException {
        if (outLength + length <= out.length) {
            System.arraycopy(bytes, offset, out, outLength, length);
            outLength += length;
            return;
        }
        try {
            connection.write(out, outLength, bytes, offset, length);
        } catch (IOException e) {
            broken = true;
            throw e;
        }
        outLength = 0;
    }

    private void writeOut() throws IOException {
        if (outLength == 0) {
            return;
        }
        try {
            connection.write(out, outLength, null, 0, 0);
        } catch (IOException e) {
            broken = true;
            throw e;
        }
        outLength = 0;
    }

    /** A streamed body. */
    private final class Output extends OutputStream {
        /** Bytes written before the head was decided: a body closed before its first flush gets a length. */
        private byte[] early;
        private int earlyLength;
        private Framing framing;
        private long declared = -1;
        private long written;
        private boolean closed;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (closed) {
                throw new IOException("the response's body is closed");
            }
            if (framing == null) {
                if (headerValue(HeaderNames.CONTENT_LENGTH).isPresent()) {
                    commit(false); // the framing is known: nothing to hold back for
                    emit(bytes, offset, length);
                    return;
                }
                if (early == null) {
                    early = new byte[BUFFER];
                }
                if (earlyLength + length <= HELD_BEFORE_FLUSH) {
                    if (early.length - earlyLength < length) {
                        early = Arrays.copyOf(early, Math.min(HELD_BEFORE_FLUSH,
                                Math.max(early.length * 2, earlyLength + length)));
                    }
                    System.arraycopy(bytes, offset, early, earlyLength, length);
                    earlyLength += length;
                    return;
                }
                commit(false);
            }
            emit(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            if (closed) {
                return;
            }
            if (framing == null) {
                commit(false);
            }
            writeOut();
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            if (framing == null) {
                commit(true);
            }
            if (framing == Framing.CHUNKED && !headRequest) {
                append(LAST_CHUNK);
            } else if (framing == Framing.LENGTH && written != declared && !headRequest) {
                broken = true; // fewer bytes than declared: the client waits for the rest; only a close ends it
            }
            state = State.FINISHED;
            writeOut();
        }

        private void commit(boolean closing) throws IOException {
            Optional<String> length = headerValue(HeaderNames.CONTENT_LENGTH);
            if (length.isPresent()) {
                framing = Framing.LENGTH;
                declared = Long.parseLong(length.get());
            } else if (closing || bodiless()) {
                framing = Framing.LENGTH;
                declared = bodiless() ? 0 : earlyLength;
                if (!bodiless()) {
                    header(HeaderNames.CONTENT_LENGTH, String.valueOf(earlyLength));
                }
            } else {
                framing = http10 ? Framing.UNTIL_CLOSE : Framing.CHUNKED;
            }
            writeHead(framing);
            if (earlyLength > 0) {
                int length0 = earlyLength;
                earlyLength = 0;
                emit(early, 0, length0);
            }
            early = null;
        }

        private void emit(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0 || headRequest || bodiless()) {
                return;
            }
            switch (framing) {
                case LENGTH -> {
                    if (written + length > declared) {
                        broken = true;
                        throw new IOException("the body is longer than its Content-Length of " + declared);
                    }
                    written += length;
                    append(bytes, offset, length);
                }
                case CHUNKED -> {
                    appendChunkSize(length);
                    append(bytes, offset, length);
                    append(CRLF);
                }
                case UNTIL_CLOSE -> append(bytes, offset, length);
            }
        }

        private void appendChunkSize(int length) {
            ensure(10);
            int digits = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 3) / 4;
            for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
                out[outLength++] = HEX[length >>> shift & 0xF];
            }
            out[outLength++] = '\r';
            out[outLength++] = '\n';
        }
    }
}
