package dev.ccrouter.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A bare TCP client for the abuse tests: it sends exactly the bytes a test gives it, from the local address the test
 * chooses (any of 127.0.0.0/8 reaches a loopback listener on Linux, which lets one test play several clients).
 */
public final class RawClient implements AutoCloseable {
    private final Socket socket;
    /** Deadline of the read in progress through {@link #responses}, in System.nanoTime() terms. */
    private long deadline;
    /** The buffered reader behind {@link #readResponse}, made on first use. */
    private BufferedInputStream responses;

    private RawClient(Socket socket) {
        this.socket = socket;
    }

    public static RawClient connect(int port) {
        return connect("127.0.0.1", port);
    }

    public static RawClient connect(String fromAddress, int port) {
        return connect(fromAddress, port, 0);
    }

    /**
     * A client whose socket receive buffer is {@code receiveBufferBytes} (the kernel's floor applies): one that then
     * reads nothing fills its TCP window after a few kilobytes, and the server's writes to it stall.
     */
    public static RawClient withReceiveBuffer(int port, int receiveBufferBytes) {
        return connect("127.0.0.1", port, receiveBufferBytes);
    }

    private static RawClient connect(String fromAddress, int port, int receiveBufferBytes) {
        try {
            Socket socket = new Socket();
            if (receiveBufferBytes > 0) {
                socket.setReceiveBufferSize(receiveBufferBytes); // before connecting: it sets the window scale
            }
            socket.bind(new InetSocketAddress(fromAddress, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setTcpNoDelay(true);
            return new RawClient(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawClient send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code bytes} as they are. */
    public RawClient send(byte[] bytes) {
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Ends the sending side (a FIN) and keeps reading: a client that leaves, as the server sees it. */
    public void finishSending() {
        try {
            socket.shutdownOutput();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code text}, and says whether all of it went: a server that answers and closes before reading a large
     * request (an oversized head) may reset the connection under the write.
     */
    public boolean sendAsFarAsAccepted(String text) {
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads the next whole response, framing checked and taken off (see {@link RawResponse}); fails if it has not
     * arrived within {@code limit}, or if the connection ends first. Responses to pipelined requests are read by
     * successive calls. Do not mix with {@link #readUntil}, {@link #readUntilClosed} or {@link #input()} on the same
     * client: this one reads ahead into a buffer of its own.
     */
    public RawResponse readResponse(Duration limit) {
        return readResponse(limit, false);
    }

    /** As {@link #readResponse(Duration)}; {@code toHead}: the request was a HEAD, so the response has no body. */
    public RawResponse readResponse(Duration limit, boolean toHead) {
        deadline = System.nanoTime() + limit.toNanos();
        try {
            return RawResponse.read(responses(), toHead);
        } catch (IOException e) {
            throw new AssertionError("no response: " + e, e);
        }
    }

    /**
     * Waits until {@code marker} is among the bytes received and not yet read by {@link #readResponse} (fails after
     * {@code limit}, or if the connection ends first), and leaves them unread: a test can see that part of a response
     * has arrived, then read the whole of it.
     */
    public void awaitReceived(String marker, Duration limit) {
        deadline = System.nanoTime() + limit.toNanos();
        byte[] wanted = marker.getBytes(StandardCharsets.UTF_8);
        try {
            BufferedInputStream in = responses();
            in.mark(1 << 20);
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            while (!endsWith(seen.toByteArray(), wanted)) {
                int read = in.read();
                if (read < 0) {
                    throw new AssertionError("closed before '" + marker + "'; received: " + seen);
                }
                seen.write(read);
            }
            in.reset();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code data} ends with {@code part} (checked after every byte read, so never missed). */
    private static boolean endsWith(byte[] data, byte[] part) {
        if (data.length < part.length) {
            return false;
        }
        for (int j = 0; j < part.length; j++) {
            if (data[data.length - part.length + j] != part[j]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Passes if the server closes the connection (end of stream, or a reset) within {@code limit} without sending
     * anything more; fails if bytes arrive or the connection is still open then. Reads through the same buffer as
     * {@link #readResponse}, so it can follow it.
     */
    public void assertClosedWithin(Duration limit) {
        deadline = System.nanoTime() + limit.toNanos();
        try {
            int read = responses().read();
            if (read >= 0) {
                byte[] more = new byte[Math.min(responses().available(), 2000)];
                int n = responses().read(more);
                throw new AssertionError("expected the connection closed, got more bytes: " + (char) read
                        + new String(more, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1));
            }
        } catch (SocketException e) {
            // reset by the server: closed
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private BufferedInputStream responses() throws IOException {
        if (responses == null) {
            InputStream raw = socket.getInputStream();
            responses = new BufferedInputStream(new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    int n = read(one, 0, 1);
                    return n < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        throw new AssertionError("timed out waiting for the server");
                    }
                    socket.setSoTimeout((int) left);
                    try {
                        return raw.read(b, off, len);
                    } catch (SocketTimeoutException e) {
                        throw new AssertionError("timed out waiting for the server", e);
                    }
                }
            }, 16384);
        }
        return responses;
    }

    /** The socket's input, for a test that reads at its own pace. */
    public InputStream input() {
        try {
            return socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything the server sends until it closes the connection; fails if it has not closed within {@code limit}. */
    public String readUntilClosed(Duration limit) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("still open after " + limit + "; received so far: " + received);
                }
                socket.setSoTimeout((int) left);
                int read;
                try {
                    read = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (SocketException e) {
                    return received.toString(StandardCharsets.UTF_8); // reset by the server: closed
                }
                if (read < 0) {
                    return received.toString(StandardCharsets.UTF_8);
                }
                received.write(buffer, 0, read);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads until {@code marker} has arrived (or fails after {@code limit}); the connection stays open. */
    public String readUntil(String marker, Duration limit) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            InputStream in = socket.getInputStream();
            while (!received.toString(StandardCharsets.UTF_8).contains(marker)) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("no '" + marker + "' within " + limit + "; received: " + received);
                }
                socket.setSoTimeout((int) left);
                int read;
                try {
                    read = in.read();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (read < 0) {
                    throw new AssertionError("closed before '" + marker + "'; received: " + received);
                }
                received.write(read);
            }
            return received.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
