package dev.ccrouter.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 connection to a provider: a blocking socket (cheap on a virtual thread) with TCP_NODELAY, a read
 * timeout on every read, and a small read buffer. It writes one request at a time and reads one response head; the
 * body is read through {@link ResponseBody}, which gives the connection back to its pool when the body ended cleanly.
 *
 * <p>A connection lives as long as its stream (minutes, thousands at once), so it keeps no more buffer than it needs
 * while it waits: no write buffer, since a request is written whole from the arrays it was built in, and a read buffer
 * sized for a response head and the chunk-size lines — reads at least that large go straight into the reader's array.
 */
final class Http1Connection implements java.io.Closeable {
    /** The longest response head accepted: status line and headers. */
    static final int MAX_HEAD_BYTES = 64 * 1024;
    /** The read buffer: a typical response head, chunk-size lines and small SSE events. */
    static final int READ_BUFFER_BYTES = 2048;
    /** A request up to this size is copied into one array and leaves in one write (one system call, no split head). */
    static final int ONE_WRITE_BYTES = 16 * 1024;

    private final Socket socket;
    private final UpstreamInput in;
    private final OutputStream out;
    private final Endpoint endpoint;
    /** The socket's read timeout, as set when it opened (0: none). */
    private final int readTimeoutMillis;
    private long idleSince;
    /** The call the connection serves now, told when a read first waits long; null between calls. */
    private Cancellation serving;

    private Http1Connection(Socket socket, Endpoint endpoint, int readTimeoutMillis) throws IOException {
        this.socket = socket;
        this.endpoint = endpoint;
        this.readTimeoutMillis = readTimeoutMillis;
        this.in = new UpstreamInput(new PatientInput(socket.getInputStream()), READ_BUFFER_BYTES);
        this.out = socket.getOutputStream();
    }

    /** Where connections go: scheme, host and port, the pool's key. */
    record Endpoint(boolean tls, String host, int port) {
    }

    static Http1Connection open(Endpoint endpoint, Duration connectTimeout, Duration readTimeout,
                                SSLSocketFactory tls, Cancellation cancellation) throws IOException {
        Socket socket = new Socket();
        // Registered before connecting: closing the socket is what aborts a connect that hangs.
        cancellation.attach(socket);
        try {
            socket.setTcpNoDelay(true); // small SSE frames and requests must not wait ~40 ms for Nagle
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) connectTimeout.toMillis());
            int readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
            socket.setSoTimeout(readTimeoutMillis);
            if (endpoint.tls()) {
                SSLSocket secure = (SSLSocket) tls.createSocket(socket, endpoint.host(), endpoint.port(), true);
                secure.setUseClientMode(true);
                secure.startHandshake();
                return new Http1Connection(secure, endpoint, readTimeoutMillis);
            }
            return new Http1Connection(socket, endpoint, readTimeoutMillis);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Writes a whole request: in one write when the head fits in the room before the body ({@link RequestBody#json})
     * or the two together are small, else as its head and then its body straight from the body's array (as a 16 KB
     * write buffer did before, without keeping the buffer).
     */
    void send(byte[] head, RequestBody body) throws IOException {
        body.writeWith(head, out);
    }

    void send(byte[] head, byte[] body) throws IOException {
        send(head, RequestBody.of(body));
    }

    /**
     * Reads one response head, skipping interim 1xx responses.
     *
     * @throws NoResponseException when the connection ended before any byte of a response (a pooled connection the
     *                             provider had already closed: the request may be sent again)
     */
    ResponseHead readHead() throws IOException {
        while (true) {
            ResponseHead head = ResponseHead.parse(in.readHead(MAX_HEAD_BYTES));
            if (head.status() >= 200 || head.status() == 101) {
                return head;
            }
        }
    }

    UpstreamInput input() {
        return in;
    }

    /**
     * The call this connection serves from now on ({@link Cancellation#whenWaiting}: told when a read first waits
     * longer than {@link UpstreamClient#PATIENCE}); null once its response ended.
     */
    void serve(Cancellation call) {
        this.serving = call;
    }

    void markIdle() {
        idleSince = System.nanoTime();
    }

    /** Whether it has sat unused in the pool long enough that the provider has likely closed it. */
    boolean idleLongerThan(Duration limit) {
        return System.nanoTime() - idleSince > limit.toNanos();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /**
     * The socket's input. While the call served expects to be told of a wait, a read first waits at most
     * {@link UpstreamClient#PATIENCE}; if nothing came, the call is told ({@link Cancellation#waiting}) and the read
     * waits on for the rest of the read timeout — the longest silence tolerated stays the read timeout. Otherwise a
     * read is the socket's own. A timed-out read leaves the socket usable (as {@link Socket#setSoTimeout} says).
     */
    private final class PatientInput extends InputStream {
        private final InputStream socketInput;

        PatientInput(InputStream socketInput) {
            this.socketInput = socketInput;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            Cancellation call = serving;
            int patience = (int) UpstreamClient.PATIENCE.toMillis();
            if (call == null || !call.expectsWaiting() || readTimeoutMillis > 0 && readTimeoutMillis <= patience) {
                return socketInput.read(into, offset, length);
            }
            socket.setSoTimeout(patience);
            try {
                return socketInput.read(into, offset, length);
            } catch (SocketTimeoutException quiet) {
                call.waiting();
                socket.setSoTimeout(readTimeoutMillis == 0 ? 0 : readTimeoutMillis - patience);
                return socketInput.read(into, offset, length);
            } finally {
                if (!socket.isClosed()) { // a cancelled call's socket: its read's own failure is the one to report
                    socket.setSoTimeout(readTimeoutMillis);
                }
            }
        }

        @Override
        public int available() throws IOException {
            return socketInput.available();
        }

        @Override
        public void close() throws IOException {
            socketInput.close();
        }
    }

    /** The connection ended before any byte of a response arrived. */
    static final class NoResponseException extends IOException {
        NoResponseException(String message) {
            super(message);
        }
    }
}
