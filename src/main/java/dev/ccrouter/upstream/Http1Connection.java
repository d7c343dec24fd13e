package dev.ccrouter.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One HTTP/1.1 connection to a provider: a blocking socket (cheap on a virtual thread) with TCP_NODELAY, its reads
 * timed by the client's {@link SilenceWatch} (no socket timeout), and a small read buffer. It writes one request at a time and reads one response head; the
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
    /**
     * A body is handed to the socket in slices of at most this much, each one taken counting as progress for the
     * {@link SilenceWatch}: an upload is cut only when the upstream takes less than this in a whole read timeout
     * (≈ 4 KB/s at a 30 s timeout, ≈ 220 bytes/s at the default 600 s), and a Claude Code body (≈ 80 KB) still
     * leaves in one write; one with images (≈ 400 KB) in four.
     */
    static final int WRITE_SLICE_BYTES = 128 * 1024;

    private final Socket socket;
    private final UpstreamInput in;
    private final OutputStream out;
    private final Endpoint endpoint;
    /** Its reads and writes, timed by the client's {@link SilenceWatch}. */
    private final SilenceWatch.Reads reads;
    private long idleSince;

    /** @param plain what a read timeout closes: the TCP socket (under the TLS one, if any) */
    private Http1Connection(Socket socket, Socket plain, Endpoint endpoint, SilenceWatch silences) throws IOException {
        this.socket = socket;
        this.endpoint = endpoint;
        this.in = new UpstreamInput(new WatchedInput(socket.getInputStream()), READ_BUFFER_BYTES);
        this.out = new WatchedOutput(socket.getOutputStream());
        this.reads = silences.watch(plain); // last: a connection that failed to open is not left watched
    }

    /** Where connections go: scheme, host and port, the pool's key. */
    record Endpoint(boolean tls, String host, int port) {
    }

    /**
     * @param silences times its reads: the socket has no read timeout of its own once open (a TLS handshake has the
     *                 connect timeout)
     */
    static Http1Connection open(Endpoint endpoint, Duration connectTimeout, SSLSocketFactory tls,
                                Cancellation cancellation, SilenceWatch silences)
            throws IOException {
        Socket socket = new Socket();
        // Registered before connecting: closing the socket is what aborts a connect that hangs.
        cancellation.attach(socket);
        try {
            socket.setTcpNoDelay(true); // small SSE frames and requests must not wait ~40 ms for Nagle
            socket.setKeepAlive(true);
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) connectTimeout.toMillis());
            if (endpoint.tls()) {
                // The handshake is part of opening the connection: an endpoint that takes the TCP connection but never
                // answers the handshake (a hung or overloaded front) fails within the connect timeout, as curl's and
                // Go's clients have it, not after the read timeout (10 minutes by default) before any fallback.
                socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
                SSLSocket secure = (SSLSocket) tls.createSocket(socket, endpoint.host(), endpoint.port(), true);
                secure.setUseClientMode(true);
                // A socket made this way checks the certificate's chain only: without this, a certificate the JVM
                // trusts but issued for another name would be accepted, and the provider's key sent to its holder.
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(parameters);
                secure.startHandshake();
                socket.setSoTimeout(0);
                // A timeout closes the plain socket under the TLS one: closing the TLS socket may wait for its reader.
                return new Http1Connection(secure, socket, endpoint, silences);
            }
            return new Http1Connection(socket, socket, endpoint, silences);
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
        reads.writing(); // one the upstream does not take within the patience: the call waits
        try {
            body.writeWith(head, out);
        } finally {
            reads.written();
        }
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
        ResponseHead head = ResponseHead.parse(in.readHead(MAX_HEAD_BYTES));
        while (head.status() < 200 && head.status() != 101) {
            try {
                head = ResponseHead.parse(in.readHead(MAX_HEAD_BYTES));
            } catch (NoResponseException afterInterim) {
                // A 100 or 103 is the upstream's answer begun: it took the request, which must not be sent again.
                throw new IOException("the connection closed after an interim " + head.status() + " response");
            }
        }
        return head;
    }

    UpstreamInput input() {
        return in;
    }

    /**
     * The call this connection serves from now on ({@link Cancellation#whenWaiting}: told when a read has waited
     * {@link UpstreamClient#PATIENCE}); null once its response ended.
     */
    void serve(Cancellation call) {
        reads.serve(call);
    }

    /** @param now the pool's clock ({@link System#nanoTime} but in tests) */
    void markIdle(long now) {
        idleSince = now;
    }

    /** Whether it has sat unused in the pool long enough that the provider has likely closed it. */
    boolean idleLongerThan(Duration limit, long now) {
        return now - idleSince > limit.toNanos();
    }

    @Override
    public void close() {
        reads.stop();
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /**
     * The socket's input, each read timed by the {@link SilenceWatch}: one silent for the read timeout has the socket
     * closed under it, and fails as a socket timeout would have.
     */
    private final class WatchedInput extends InputStream {
        private final InputStream socketInput;

        WatchedInput(InputStream socketInput) {
            this.socketInput = socketInput;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] into, int offset, int length) throws IOException {
            reads.reading();
            try {
                return socketInput.read(into, offset, length);
            } catch (IOException e) {
                throw timedOutOr(e, "Read timed out");
            } finally {
                reads.read();
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

    /**
     * The socket's output, handed over in slices that each count as progress: a write that has taken no slice for the
     * read timeout (an upstream that stopped reading) has the socket closed under it, and fails as a timeout.
     */
    private final class WatchedOutput extends OutputStream {
        private final OutputStream socketOutput;

        WatchedOutput(OutputStream socketOutput) {
            this.socketOutput = socketOutput;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                int from = offset;
                int left = length;
                while (left > 0) {
                    int slice = Math.min(left, WRITE_SLICE_BYTES);
                    socketOutput.write(bytes, from, slice);
                    from += slice;
                    left -= slice;
                    if (left > 0) {
                        reads.progress();
                    }
                }
            } catch (IOException e) {
                throw timedOutOr(e, "Write timed out");
            }
        }

        @Override
        public void flush() throws IOException {
            socketOutput.flush();
        }

        @Override
        public void close() throws IOException {
            socketOutput.close();
        }
    }

    /**
     * What a failed read or write throws: a socket timeout when the {@link SilenceWatch} closed the socket under it
     * for its silence, else the failure itself.
     */
    private IOException timedOutOr(IOException failure, String timedOut) {
        if (!reads.timedOut()) {
            return failure;
        }
        SocketTimeoutException timeout = new SocketTimeoutException(timedOut);
        timeout.initCause(failure);
        return timeout;
    }

    /** The connection ended before any byte of a response arrived. */
    static final class NoResponseException extends IOException {
        NoResponseException(String message) {
            super(message);
        }
    }
}
