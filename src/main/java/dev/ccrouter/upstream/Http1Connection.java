package dev.ccrouter.upstream;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
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
    private final InputStream in;
    private final OutputStream out;
    private final Endpoint endpoint;
    private long idleSince;

    private Http1Connection(Socket socket, Endpoint endpoint) throws IOException {
        this.socket = socket;
        this.endpoint = endpoint;
        this.in = new BufferedInputStream(socket.getInputStream(), READ_BUFFER_BYTES);
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
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
            if (endpoint.tls()) {
                SSLSocket secure = (SSLSocket) tls.createSocket(socket, endpoint.host(), endpoint.port(), true);
                secure.setUseClientMode(true);
                secure.startHandshake();
                return new Http1Connection(secure, endpoint);
            }
            return new Http1Connection(socket, endpoint);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    Endpoint endpoint() {
        return endpoint;
    }

    /**
     * Writes a whole request: a small one in a single write, a larger one as its head and then its body straight from
     * the body's array (as a 16 KB write buffer did before, without keeping the buffer).
     */
    void send(byte[] head, byte[] body) throws IOException {
        if (head.length + body.length <= ONE_WRITE_BYTES) {
            byte[] request = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, request, head.length, body.length);
            out.write(request);
        } else {
            out.write(head);
            out.write(body);
        }
        out.flush();
    }

    /**
     * Reads one response head, skipping interim 1xx responses.
     *
     * @throws NoResponseException when the connection ended before any byte of a response (a pooled connection the
     *                             provider had already closed: the request may be sent again)
     */
    ResponseHead readHead() throws IOException {
        while (true) {
            ResponseHead head = ResponseHead.parse(readHeadBytes());
            if (head.status() >= 200 || head.status() == 101) {
                return head;
            }
        }
    }

    private byte[] readHeadBytes() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0;
        while (matched < 4) {
            int b;
            try {
                b = in.read();
            } catch (SocketException e) {
                if (head.size() == 0) {
                    throw new NoResponseException(e.getMessage());
                }
                throw e;
            }
            if (b < 0) {
                if (head.size() == 0) {
                    throw new NoResponseException("the connection closed before a response");
                }
                throw new IOException("the connection closed in the middle of the response head");
            }
            head.write(b);
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("the response head is longer than " + MAX_HEAD_BYTES + " bytes");
            }
            // "\r\n\r\n" ends the head; a bare "\n\n" from a sloppy server does too.
            matched = b == '\n' ? (matched == 1 || matched == 3 ? matched + 1 : matched == 0 ? 2 : 4)
                    : b == '\r' ? (matched == 2 ? 3 : 1) : 0;
        }
        return head.toByteArray();
    }

    InputStream input() {
        return in;
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

    /** The connection ended before any byte of a response arrived. */
    static final class NoResponseException extends IOException {
        NoResponseException(String message) {
            super(message);
        }
    }
}
