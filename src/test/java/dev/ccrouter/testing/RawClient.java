package dev.ccrouter.testing;

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
        try {
            socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
