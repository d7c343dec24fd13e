package dev.ccrouter.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * The soak's clients, one connection per exchange on 127.0.0.1: a whole request read to the end and named by its
 * outcome, a stream dropped after its first bytes (sometimes with a reset), and a slowloris that trickles its head or
 * body until the gateway gives up on it. Each returns an outcome name that the soak counts; names starting with
 * {@code BAD} are answers no client should ever see (no envelope, a stream that simply stops).
 */
final class SoakClient {
    private static final int READ_TIMEOUT_MILLIS = 60_000;

    private final InetSocketAddress gateway;
    /** The local address to connect from; null for any. */
    private final String from;

    SoakClient(int port) {
        this(port, null);
    }

    /** A client connecting from {@code from} (any of 127.0.0.0/8), whose connections the gateway counts apart. */
    SoakClient(int port, String from) {
        this.gateway = new InetSocketAddress("127.0.0.1", port);
        this.from = from;
    }

    static byte[] post(byte[] body, boolean stream) {
        return RawHttpClient.request("/v1/messages", "127.0.0.1", "x-api-key: sk-soak\r\nConnection: close\r\n",
                body, stream);
    }

    /** Sends a request, reads its answer to the end of the connection, and names the outcome. */
    String exchange(byte[] request, boolean stream) {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request);
            String answer = readAll(socket.getInputStream());
            return outcome(answer, stream);
        } catch (SocketTimeoutException e) {
            return "BAD no answer within 60 s";
        } catch (IOException e) {
            return "BAD connection failed: " + e.getClass().getSimpleName();
        }
    }

    /** Sends a streaming request, reads its first few hundred bytes and goes away; {@code reset} sends RST, not FIN. */
    String disconnect(byte[] request, boolean reset) {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request);
            byte[] some = socket.getInputStream().readNBytes(600);
            if (reset) {
                socket.setSoLinger(true, 0);
            }
            return some.length > 0 ? "disconnected mid-stream" : "BAD nothing before the disconnect";
        } catch (IOException e) {
            return "BAD connection failed: " + e.getClass().getSimpleName();
        }
    }

    /**
     * A slowloris: a request head (or, with {@code body}, a promised 80 KB body) trickled a few bytes a second until
     * the gateway answers or closes the connection. Bounded by the gateway's head/body deadline, and by 3 minutes.
     */
    String slowloris(boolean body) {
        byte[] head = ("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "x-api-key: sk-soak\r\nContent-Length: 80000\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        long deadline = System.nanoTime() + 180_000_000_000L;
        try (Socket socket = connect()) {
            socket.setSoTimeout(200);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            int sent = 0;
            if (body) {
                out.write(head);
                sent = head.length;
            }
            while (System.nanoTime() < deadline) {
                out.write(body ? '{' : head[Math.min(sent, head.length - 1)]);
                out.flush();
                sent++;
                try {
                    int b = in.read();
                    return b < 0 ? "slowloris closed by the gateway" : "slowloris answered "
                            + statusOf(new String(new byte[] {(byte) b}, StandardCharsets.ISO_8859_1)
                                    + new String(in.readNBytes(12), StandardCharsets.ISO_8859_1));
                } catch (SocketTimeoutException quiet) {
                    // nothing yet: the gateway is still waiting for the rest; trickle the next byte
                }
                if (!body && sent >= head.length - 1) {
                    return "BAD slowloris head accepted without its last byte";
                }
            }
            return "BAD slowloris still open after 3 minutes";
        } catch (IOException e) {
            return "slowloris closed by the gateway";
        }
    }

    /** Milliseconds for one {@code GET /health}, or -1 when it fails. */
    /**
     * Milliseconds from connecting to the last byte of a 200 answer to {@code GET /health}; -1 for anything else. The
     * answer ends where its {@code Content-Length} says, not at the connection's close: the server lingers about
     * 100 ms before closing a {@code Connection: close} socket, which is not the gateway's answering time.
     */
    double healthMillis() {
        long start = System.nanoTime();
        try (Socket socket = connect()) {
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(socket.getInputStream());
            int length = contentLength(head);
            if (statusOf(head) != 200 || length < 0 || socket.getInputStream().readNBytes(length).length != length) {
                return -1;
            }
            return (System.nanoTime() - start) / 1e6;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The status line and headers, through the blank line that ends them. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (b == '\n' && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return -1;
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        if (from != null) {
            socket.bind(new InetSocketAddress(from, 0));
        }
        socket.connect(gateway, 5_000);
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        return socket;
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        in.transferTo(answer);
        return answer.toString(StandardCharsets.UTF_8);
    }

    private static String outcome(String answer, boolean stream) {
        int status = statusOf(answer);
        if (status != 200) {
            return answer.contains("{\"type\":\"error\",\"error\":{\"type\":\"")
                    ? status + " error envelope" : "BAD " + status + " without an error envelope";
        }
        if (!stream) {
            return answer.contains("\"type\":\"message\"") ? "200 message" : "BAD 200 without a message";
        }
        if (answer.contains("event: message_stop")) {
            return answer.contains("event: error") ? "BAD stream with message_stop and error" : "200 stream, message_stop";
        }
        return answer.contains("event: error") ? "200 stream, event: error" : "BAD stream ended without stop or error";
    }

    private static int statusOf(String answer) {
        if (!answer.startsWith("HTTP/1.1 ") || answer.length() < 12) {
            return -1;
        }
        try {
            return Integer.parseInt(answer.substring(9, 12));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
