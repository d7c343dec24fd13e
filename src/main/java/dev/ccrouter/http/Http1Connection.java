package dev.ccrouter.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client connection, served on its own (virtual) thread: request after request, each head read into one buffer,
 * handed to the routing, its response ended and what is left of its body dropped, until the client or the response
 * closes the connection.
 *
 * <p>The buffer starts at 4 KB and grows for a long head up to {@link #MAX_HEAD} (then 431). A body is read through
 * the same buffer, or straight into the reader's array when it asks for more than is buffered. Writes gather what the
 * response prepared and the caller's bytes into one system call.
 */
final class Http1Connection implements Connection, Runnable {
    /** The largest request head (request line and header fields) read; a larger one is answered 431. */
    static final int MAX_HEAD = 32 * 1024;
    /** At most this much of a body the handler left unread is read and dropped to keep the connection. */
    static final long DRAIN_LIMIT = 64 * 1024;
    private static final int INITIAL_BUFFER = 4096;
    /** After a refusal, how long the client's remaining bytes are read and dropped before closing. */
    private static final int LINGER_MILLIS = 500;
    private static final long LINGER_BYTES = 1 << 20;
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static final int IDLE = 0;
    private static final int BUSY = 1;
    private static final int CLOSED = 2;

    private final HttpServer server;
    private final SocketChannel channel;
    private final InetSocketAddress remotePeer;
    private final InetSocketAddress localPeer;
    /**
     * {@link #IDLE} between requests, {@link #BUSY} from a head's first byte to its exchange's end, then {@link #CLOSED}:
     * a stopping server closes idle connections at once ({@link #closeIfIdle}) and lets busy ones finish.
     */
    private final AtomicInteger state = new AtomicInteger(IDLE);
    /** Held by every write: a watcher's own response ({@link #writeRaw}) never interleaves with a handler's. */
    private final ReentrantLock writing = new ReentrantLock();
    /** Set on the connection's thread; read by whatever thread writes. */
    private volatile ConnectionGate.Observer observer = ConnectionGate.Observer.NONE;
    private byte[] buffer = new byte[INITIAL_BUFFER];
    /** The unread bytes are {@code buffer[position, limit)}. */
    private int position;
    private int limit;
    private RequestBodyInput body;
    private ServerResponse response;
    /** A response of the current exchange has begun to be written ({@link #writing}'s). */
    private boolean responding;
    /** A watcher answered the request itself ({@link #writing}'s): nothing more goes out. */
    private boolean answeredRaw;
    /**
     * The buffer a response gathers its head and small writes in, kept for the connection's next response: responses
     * on a connection follow one another, and a new one for each was a tenth of a small request's garbage.
     */
    private byte[] responseBuffer;
    /** The thread serving the connection, once it runs. */
    private volatile Thread thread;

    Http1Connection(HttpServer server, SocketChannel channel) throws IOException {
        this.server = server;
        this.channel = channel;
        this.remotePeer = (InetSocketAddress) channel.getRemoteAddress();
        this.localPeer = (InetSocketAddress) channel.getLocalAddress();
    }

    @Override
    public void run() {
        thread = Thread.currentThread();
        try {
            observer = server.gate().opened(this);
            serve();
        } catch (IOException | RuntimeException e) {
            // The client left, or broke the exchange: nothing more can be said to it.
        } finally {
            state.set(CLOSED);
            close();
            try {
                observer.closed();
            } finally {
                server.ended(this);
            }
        }
    }

    private void serve() throws IOException {
        while (true) {
            int headEnd;
            try {
                headEnd = awaitHead();
            } catch (BadRequest refusal) {
                reject(refusal);
                return;
            }
            if (headEnd < 0) {
                return;
            }
            boolean keepOpen;
            server.crowd().entered();
            try {
                keepOpen = exchange(headEnd);
            } finally {
                server.crowd().left();
            }
            if (!keepOpen) {
                return;
            }
            state.set(IDLE);
            if (server.stopping()) {
                return;
            }
        }
    }

    /** Serves one request whose head ends at {@code headEnd}; false when the connection must close after it. */
    private boolean exchange(int headEnd) throws IOException {
        RequestHead head;
        try {
            head = RequestHead.parse(buffer, position, headEnd);
        } catch (BadRequest malformed) {
            position = headEnd;
            reject(malformed);
            return false;
        }
        position = headEnd;
        body = new RequestBodyInput(this, head);
        response = new ServerResponse(this, head.method.equals("HEAD"), head.http10, head.keepAlive);
        ServerRequest request = new ServerRequest(head, body, this);
        server.routing().route(request, response);
        response.finish();
        if (!response.finished() || !response.keepsAlive() || body.failed()) {
            lingerIfUnread();
            return false;
        }
        if (!body.drain(DRAIN_LIMIT)) {
            linger();
            return false;
        }
        body = null;
        response = null;
        exchangeEnded();
        return true;
    }

    /** Answers a request refused before any handler ran, then lets the client read the answer before closing. */
    private void reject(BadRequest refusal) {
        ServerResponse refused = new ServerResponse(this, false, false, false);
        try {
            server.routing().reject(refusal.status(), refusal.getMessage(), refused);
            refused.finish();
            linger();
        } catch (IOException | RuntimeException e) {
            // the client is gone
        }
    }

    /**
     * Before closing a connection whose client may still be sending (a body the handler did not read), reads and drops
     * what comes for a moment: closing with unread bytes makes the kernel reset the connection, and a reset can destroy
     * the response before the client has read it.
     */
    private void lingerIfUnread() {
        if (body != null && !body.done()) {
            linger();
        }
    }

    /** Ends the connection's output and drops what the client still sends, for a moment at most. */
    private void linger() {
        try {
            channel.shutdownOutput();
            Socket socket = channel.socket();
            InputStream in = socket.getInputStream();
            byte[] sink = new byte[8192];
            long dropped = 0;
            long deadline = System.nanoTime() + LINGER_MILLIS * 1_000_000L;
            for (long left; dropped < LINGER_BYTES && (left = deadline - System.nanoTime()) > 0; ) {
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                int read = in.read(sink);
                if (read < 0) {
                    return;
                }
                dropped += read;
            }
        } catch (SocketTimeoutException e) {
            // the client sent nothing more in time: close now
        } catch (IOException | RuntimeException e) {
            // the client is gone
        }
    }

    /**
     * Reads until a whole head is buffered; the index just past its blank line, or -1 when the client closed (or went
     * quiet for good) between requests. Empty lines before a request line are skipped (RFC 9112 §2.2).
     */
    private int awaitHead() throws IOException {
        compact();
        int scanned = position;
        int lineStart = position;
        boolean started = false;
        while (true) {
            for (int i = scanned; i < limit; i++) {
                byte b = buffer[i];
                if (!started) {
                    if (b == '\r' || b == '\n') {
                        continue;
                    }
                    started = true;
                    if (!state.compareAndSet(IDLE, BUSY)) {
                        return -1; // the server is stopping and closed this idle connection
                    }
                    observer.headStarted();
                    position = i;
                    lineStart = i;
                }
                if (b != '\n') {
                    continue;
                }
                if (buffer[i - 1] != '\r') {
                    position = i + 1;
                    throw new BadRequest(400, "A bare LF in the request head.");
                }
                if (i - 1 == lineStart) {
                    return i + 1;
                }
                lineStart = i + 1;
            }
            if (!started) {
                position = limit; // skipped empty lines
            }
            scanned = limit;
            if (limit - position >= MAX_HEAD) {
                throw lineStart == position
                        ? new BadRequest(414, "The request target is longer than " + MAX_HEAD / 1024 + " KB.")
                        : new BadRequest(431, "The request head is larger than " + MAX_HEAD / 1024 + " KB.");
            }
            if (!started && position == limit) {
                server.crowd().makeWay(); // the client's next request may not be here yet
            }
            int shift = position;
            if (!fill()) {
                if (started) {
                    throw new EOFException("the client closed its connection inside a request head");
                }
                return -1;
            }
            // fill() may have moved the unread bytes to the buffer's start
            scanned -= shift - position;
            lineStart -= shift - position;
        }
    }

    /**
     * Reads more bytes after those buffered, moving the unread ones to the start or growing the buffer (up to the
     * largest head) when it is full; false at the end of the stream.
     */
    private boolean fill() throws IOException {
        if (limit == buffer.length) {
            if (position > 0) {
                compact();
            } else {
                buffer = Arrays.copyOf(buffer, Math.min(buffer.length * 2, MAX_HEAD + 4));
            }
        }
        int read = channel.read(ByteBuffer.wrap(buffer, limit, buffer.length - limit));
        if (read < 0) {
            return false;
        }
        limit += read;
        return true;
    }

    private void compact() {
        if (position == 0) {
            return;
        }
        int unread = limit - position;
        System.arraycopy(buffer, position, buffer, 0, unread);
        position = 0;
        limit = unread;
    }

    /** Reads body bytes: those buffered first, else straight from the socket into the reader's array. */
    int readBody(byte[] into, int offset, int length) throws IOException {
        int buffered = limit - position;
        if (buffered > 0) {
            int taken = Math.min(buffered, length);
            System.arraycopy(buffer, position, into, offset, taken);
            position += taken;
            return taken;
        }
        return channel.read(ByteBuffer.wrap(into, offset, length));
    }

    /** A line of a chunked body (a size line, a trailer), without its CRLF. */
    String readLine(int max) throws IOException {
        int from = position;
        while (true) {
            for (int i = from; i < limit; i++) {
                if (buffer[i] == '\n') {
                    if (i == position || buffer[i - 1] != '\r') {
                        throw new BadRequest(400, "A line of the chunked request body does not end with CRLF.");
                    }
                    String line = new String(buffer, position, i - 1 - position, StandardCharsets.ISO_8859_1);
                    position = i + 1;
                    return line;
                }
            }
            if (limit - position > max) {
                throw new BadRequest(400, "A line of the chunked request body is too long.");
            }
            int consumed = limit - position;
            compact();
            from = consumed;
            if (!fill()) {
                throw new EOFException("the client closed its connection inside the request body");
            }
        }
    }

    /** Body bytes already read from the socket. */
    int buffered() {
        return limit - position;
    }

    /** The current response's gathering buffer ({@link ServerResponse#BUFFER} bytes). */
    byte[] responseBuffer() {
        if (responseBuffer == null) {
            responseBuffer = new byte[ServerResponse.BUFFER];
        }
        return responseBuffer;
    }

    /** Invites the body of a client that sent {@code Expect: 100-continue}, unless the response has begun. */
    void sendContinue() throws IOException {
        if (response != null && !response.isSent()) {
            writing.lock();
            try {
                writeAll(ByteBuffer.wrap(CONTINUE), null);
            } finally {
                writing.unlock();
            }
        }
    }

    /** Whether a response being written now may leave the connection open for the next request. */
    boolean mayKeepAlive() {
        return !server.stopping() && body != null && body.drainable(DRAIN_LIMIT);
    }

    /**
     * Writes a response's {@code first[0, firstLength)} then {@code second[offset, offset + length)}, in one system
     * call when the socket takes it all.
     *
     * @throws IOException also when a watcher answered the request already ({@link #writeRaw})
     */
    void write(byte[] first, int firstLength, byte[] second, int offset, int length) throws IOException {
        ByteBuffer head = ByteBuffer.wrap(first, 0, firstLength);
        writing.lock();
        try {
            if (answeredRaw) {
                throw new IOException("the request was answered already (it ran out of time)");
            }
            responding = true;
            writeAll(head, second == null || length == 0 ? null : ByteBuffer.wrap(second, offset, length));
        } finally {
            writing.unlock();
        }
    }

    /**
     * Writes a whole response of a watcher's own, unless the exchange's response has begun: the client gets one answer
     * or the other, never both.
     */
    @Override
    public void writeRaw(byte[] whole) throws IOException {
        writing.lock();
        try {
            if (responding) {
                throw new IOException("a response is being written");
            }
            answeredRaw = true;
            writeAll(ByteBuffer.wrap(whole), null);
        } finally {
            writing.unlock();
        }
    }

    /** Writes both buffers (the second may be null), telling the gate of each system call. */
    private void writeAll(ByteBuffer first, ByteBuffer second) throws IOException {
        ByteBuffer[] both = second == null ? null : new ByteBuffer[] {first, second};
        ByteBuffer last = second == null ? first : second;
        try {
            while (last.hasRemaining()) {
                observer.writeStarted();
                if (both == null) {
                    channel.write(first);
                } else {
                    channel.write(both);
                }
            }
        } finally {
            observer.writeEnded();
        }
    }

    /** The exchange is over: the next response may be written, and a watcher may answer the next request. */
    private void exchangeEnded() {
        writing.lock();
        try {
            responding = false;
        } finally {
            writing.unlock();
        }
    }

    /**
     * Ends the connection whatever it is doing (the server's grace ran out): the socket closes under any read or
     * write, and a handler waiting on something else is interrupted.
     */
    void cutOff() {
        close();
        Thread serving = thread;
        if (serving != null) {
            serving.interrupt();
        }
    }

    /** Closes the connection if no request is being served on it (the server is stopping); false if one is. */
    boolean closeIfIdle() {
        if (state.compareAndSet(IDLE, CLOSED)) {
            close();
            return true;
        }
        return state.get() == CLOSED;
    }

    @Override
    public InetSocketAddress remotePeer() {
        return remotePeer;
    }

    @Override
    public InetSocketAddress localPeer() {
        return localPeer;
    }

    @Override
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closed already, or the client reset it: either way it is gone
        }
    }
}
