package dev.ccrouter.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An upstream that breaks HTTP on purpose, on a raw socket on 127.0.0.1: it reads each request whole, then lets the
 * test's {@link Behaviour} write whatever bytes it likes — garbage, a cut-off body, nothing at all — or reset the
 * connection. Helidon cannot be made to misbehave this way, which is why this one is not built on it.
 *
 * <p>Only the chat requests ({@code POST}) are counted and given to the behaviour. The gateway also asks in the
 * background: its price catalog ({@code GET /models}, about a second after its first request) and OpenRouter's
 * generation records for a stream cut short ({@code GET /generation}, seconds later, when a test may have moved on).
 * Those are answered 404 and their connection closed, so they neither land in a test's count nor meet its behaviour.
 */
public final class MisbehavingUpstream implements AutoCloseable {
    /** What the upstream does once it has read a request. */
    @FunctionalInterface
    public interface Behaviour {
        void answer(Socket socket, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket listener;
    private final AtomicReference<Behaviour> behaviour = new AtomicReference<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final CopyOnWriteArrayList<Socket> open = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    private MisbehavingUpstream(ServerSocket listener) {
        this.listener = listener;
    }

    public static MisbehavingUpstream start() {
        try {
            MisbehavingUpstream upstream = new MisbehavingUpstream(
                    new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread.ofVirtual().name("misbehaving-upstream").start(upstream::accept);
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The behaviour for the following requests. */
    public void behave(Behaviour next) {
        behaviour.set(next);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + listener.getLocalPort() + "/v1";
    }

    /** Chat requests ({@code POST}) read so far. */
    public int requests() {
        return requests.get();
    }

    /** Connections accepted so far, the price catalog's among them: tests counting these turn its fetch off. */
    public int connections() {
        return connections.get();
    }

    /** Releases anything a behaviour waits on ({@link #stall}), then stops. */
    @Override
    public void close() {
        closed.countDown();
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Blocks until the upstream is closed: a server that never answers. */
    public void stall() throws InterruptedException {
        closed.await();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.incrementAndGet();
                open.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            for (String line = readRequest(in); line != null; line = readRequest(in)) {
                if (!line.startsWith("POST ")) { // the price catalog's fetch: none of the test's business
                    socket.getOutputStream().write(head(404, "Content-Length", "0", "Connection", "close"));
                    return;
                }
                requests.incrementAndGet();
                behaviour.get().answer(socket, socket.getOutputStream());
                if (socket.isClosed()) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // the gateway went away, or the behaviour cut the connection: both are the point of this server
        } finally {
            open.remove(socket);
        }
    }

    /** Reads one request's head and its Content-Length body, and returns its request line; null at the end. */
    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        long length = 0;
        String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        for (String line : lines) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring("content-length:".length()).strip());
            }
        }
        in.skipNBytes(length);
        return lines[0];
    }

    // ---- building blocks for behaviours --------------------------------------------------------------------------

    /** A status line and headers, ending the head. */
    public static byte[] head(int status, String... headers) {
        StringBuilder text = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            text.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** One chunk of a chunked body holding {@code data} (none for empty data: that would be the last chunk). */
    public static byte[] chunk(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        byte[] head = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] framed = new byte[head.length + bytes.length + 2];
        System.arraycopy(head, 0, framed, 0, head.length);
        System.arraycopy(bytes, 0, framed, head.length, bytes.length);
        framed[framed.length - 2] = '\r';
        framed[framed.length - 1] = '\n';
        return bytes.length == 0 ? new byte[0] : framed;
    }

    /** Resets the connection (RST, not FIN): what a crashed upstream or a middlebox dropping it looks like. */
    public static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }
}
