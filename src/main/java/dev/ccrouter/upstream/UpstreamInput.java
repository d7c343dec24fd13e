package dev.ccrouter.upstream;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A connection's buffered input, read by one thread at a time (the one that holds the connection), so without the
 * lock {@link java.io.BufferedInputStream} takes on every call. The response head and the chunked framing's lines are
 * found by scanning the buffer, not by reading byte by byte: a head used to cost one locked call per byte.
 */
final class UpstreamInput extends InputStream {
    private final InputStream socket;
    private final byte[] buffer;
    private int position;
    private int limit;
    /** Runs before each read from the socket (see {@link #beforeReading}); null when none is wanted. */
    private Runnable beforeReading;

    UpstreamInput(InputStream socket, int bufferSize) {
        this.socket = socket;
        this.buffer = new byte[bufferSize];
    }

    /**
     * The bytes up to and including the blank line that ends a response head ({@code \r\n\r\n}, or a sloppy server's
     * {@code \n\n}); what follows stays buffered for the body.
     *
     * @throws Http1Connection.NoResponseException when the connection ended before any byte of a response
     */
    byte[] readHead(int maxBytes) throws IOException {
        ByteArrayOutputStream spanning = null; // only for a head that crosses a refill
        int total = 0;
        int matched = 0; // how much of the blank line has been seen: \r \n \r \n (a bare \n counts as \r\n)
        while (true) {
            if (position == limit) {
                int read;
                try {
                    read = fill();
                } catch (SocketException e) {
                    if (total == 0) {
                        throw new Http1Connection.NoResponseException(e.getMessage());
                    }
                    throw e;
                }
                if (read < 0) {
                    if (total == 0) {
                        throw new Http1Connection.NoResponseException("the connection closed before a response");
                    }
                    throw new IOException("the connection closed in the middle of the response head");
                }
            }
            int start = position;
            while (position < limit && matched < 4) {
                byte b = buffer[position++];
                if (++total > maxBytes) {
                    throw new IOException("the response head is longer than " + maxBytes + " bytes");
                }
                matched = b == '\n' ? (matched == 1 || matched == 3 ? matched + 1 : matched == 0 ? 2 : 4)
                        : b == '\r' ? (matched == 2 ? 3 : 1) : 0;
            }
            if (matched == 4 && spanning == null) {
                return Arrays.copyOfRange(buffer, start, position);
            }
            if (spanning == null) {
                spanning = new ByteArrayOutputStream(2 * (position - start));
            }
            spanning.write(buffer, start, position - start);
            if (matched == 4) {
                return spanning.toByteArray();
            }
        }
    }

    /**
     * One line of the chunked framing, without its terminator (LF, or CR LF), read as Latin-1.
     *
     * @throws java.io.EOFException when the connection ends before the line does
     */
    String readLine(int maxChars) throws IOException {
        StringBuilder spanning = null; // only for a line that crosses a refill
        while (true) {
            if (position == limit && fill() < 0) {
                throw new EOFException("the upstream closed the connection inside the chunked framing");
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int length = position - start + (spanning == null ? 0 : spanning.length());
            if (length > maxChars + 1) {
                throw new IOException("the upstream's chunk framing has an overlong line");
            }
            if (position == limit) {
                spanning = (spanning == null ? new StringBuilder() : spanning)
                        .append(new String(buffer, start, position - start, StandardCharsets.ISO_8859_1));
                continue;
            }
            String line = new String(buffer, start, position - start, StandardCharsets.ISO_8859_1);
            position++; // the \n
            if (spanning != null) {
                line = spanning.append(line).toString();
            }
            return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
        }
    }

    @Override
    public int read() throws IOException {
        if (position == limit && fill() < 0) {
            return -1;
        }
        return buffer[position++] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position == limit) {
            if (length >= buffer.length) {
                announceRead();
                return socket.read(into, offset, length); // large reads skip the copy
            }
            if (fill() < 0) {
                return -1;
            }
        }
        int n = Math.min(length, limit - position);
        System.arraycopy(buffer, position, into, offset, n);
        position += n;
        return n;
    }

    @Override
    public int available() throws IOException {
        return limit - position + socket.available();
    }

    /** The bytes read from the socket and not yet taken (no system call). */
    int buffered() {
        return limit - position;
    }

    /**
     * Has {@code action} run before each read from the socket, which may wait for the network: a stream relay sends on
     * there what it translated from the bytes read so far, so that nothing waits for the upstream in the gateway, and
     * what one read brought leaves in one write. Null removes it.
     */
    void beforeReading(Runnable action) {
        this.beforeReading = action;
    }

    private void announceRead() {
        if (beforeReading != null) {
            beforeReading.run();
        }
    }

    /** Refills the empty buffer with one read; the count read, or -1 at the connection's end. */
    private int fill() throws IOException {
        announceRead();
        position = limit = 0;
        int read = socket.read(buffer, 0, buffer.length);
        if (read > 0) {
            limit = read;
        }
        return read;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
