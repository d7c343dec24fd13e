package dev.ccrouter.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The soak's upstream: an OpenAI-compatible chat-completions server on a raw socket on 127.0.0.1 (keep-alive,
 * chunked streams) that answers each request the way a marker in its body asks — {@code soak:slow},
 * {@code soak:error500}, {@code soak:truncate}, … ({@link Fault}) — and well when there is none. The marker travels
 * in the user's text, which the gateway forwards unchanged, so the client decides the fault and knows what to expect.
 * A raw socket because a cut-off chunked body or a reset is exactly what a well-behaved HTTP server will not write.
 */
final class SoakUpstream implements AutoCloseable {
    /** What the upstream does with one request. */
    enum Fault {
        NONE, SLOW, ERROR500, ERROR429, TRUNCATE, GARBAGE, STALL, RESET,
        /** A stream of 16 KB deltas as fast as the gateway takes them, until it hangs up (64 MB at most). */
        FLOOD,
        /** An 8 MB JSON answer. */
        BIG;

        String marker() {
            return "soak:" + name().toLowerCase(Locale.ROOT);
        }

        static Fault in(byte[] body) {
            String text = new String(body, StandardCharsets.ISO_8859_1);
            int at = text.indexOf("soak:");
            if (at < 0) {
                return NONE;
            }
            int end = at + 5;
            while (end < text.length() && Character.isLetterOrDigit(text.charAt(end))) {
                end++;
            }
            return valueOf(text.substring(at + 5, end).toUpperCase(Locale.ROOT));
        }
    }

    private static final String[] STREAM = {
            "{\"id\":\"gen-s\",\"model\":\"anthropic/claude-sonnet-4.6\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Running\"}}]}",
            "{\"id\":\"gen-s\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"The tests first.\"}}]}",
            "{\"id\":\"gen-s\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" the tests.\"}}]}",
            "{\"id\":\"gen-s\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"toolu_1\",\"type\":\"function\",\"function\":{\"name\":\"Bash\",\"arguments\":\"\"}}]}}]}",
            "{\"id\":\"gen-s\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"command\\\": \"}}]}}]}",
            "{\"id\":\"gen-s\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"mvn -q test\\\"}\"}}]}}]}",
            "{\"id\":\"gen-s\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
            "{\"id\":\"gen-s\",\"choices\":[],\"usage\":{\"prompt_tokens\":20000,\"completion_tokens\":30,\"prompt_tokens_details\":{\"cached_tokens\":19000}}}",
    };
    private static final byte[] COMPLETION = """
            {"id":"gen-j","object":"chat.completion","model":"anthropic/claude-haiku-4.5","choices":[{"index":0,\
            "finish_reason":"stop","message":{"role":"assistant","content":"Fix failing tests"}}],\
            "usage":{"prompt_tokens":300,"completion_tokens":4}}""".getBytes(StandardCharsets.UTF_8);
    /** One chunk of a flood: a 16 KB content delta, framed once. */
    private static final byte[] FLOOD_CHUNK = chunkOf("data: {\"id\":\"gen-f\",\"choices\":[{\"index\":0,\"delta\":"
            + "{\"content\":\"" + "x".repeat(16_000) + "\"}}]}\n\n");
    private static final byte[] BIG_COMPLETION = ("{\"id\":\"gen-b\",\"object\":\"chat.completion\",\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\""
            + "x".repeat(8_000_000) + "\"}}],\"usage\":{\"prompt_tokens\":300,\"completion_tokens\":4}}")
            .getBytes(StandardCharsets.UTF_8);
    private static final long SLOW_GAP_MILLIS = 40;
    private static final long STALL_MILLIS = 8_000;

    private final ServerSocket listener;

    private SoakUpstream(ServerSocket listener) {
        this.listener = listener;
    }

    static SoakUpstream start() {
        try {
            SoakUpstream upstream = new SoakUpstream(new ServerSocket(0, 512, InetAddress.getLoopbackAddress()));
            Thread.ofVirtual().name("soak-upstream").start(upstream::accept);
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + listener.getLocalPort() + "/v1";
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                socket.setTcpNoDelay(true);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            Request request;
            while ((request = Request.read(in)) != null) {
                if (!request.chatCompletion()) {
                    write(out, head(404, "application/json", 2), "{}".getBytes());
                    continue;
                }
                if (!answer(socket, out, request)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the gateway went away, or the fault cut the connection: both are the point of this server
        }
    }

    /** Answers one chat completion; false when the connection is finished with. */
    private static boolean answer(Socket socket, OutputStream out, Request request)
            throws IOException {
        Fault fault = Fault.in(request.body());
        switch (fault) {
            case ERROR500 -> {
                byte[] body = "{\"error\":{\"message\":\"Internal Server Error\",\"code\":500}}".getBytes();
                write(out, head(500, "application/json", body.length), body);
                return true;
            }
            case ERROR429 -> {
                byte[] body = "{\"error\":{\"message\":\"Rate limit exceeded\",\"code\":429}}".getBytes();
                write(out, head(429, "application/json", body.length, "retry-after: 1"), body);
                return true;
            }
            case RESET -> {
                socket.setSoLinger(true, 0);
                return false;
            }
            default -> {
                // the faults below concern streams; a JSON request with one of them is answered well
            }
        }
        if (fault == Fault.BIG) {
            write(out, head(200, "application/json", BIG_COMPLETION.length), BIG_COMPLETION);
            return true;
        }
        if (!request.stream()) {
            write(out, head(200, "application/json", COMPLETION.length), COMPLETION);
            return true;
        }
        out.write(head(200, "text/event-stream", -1));
        if (fault == Fault.FLOOD) {
            chunk(out, "data: " + STREAM[0] + "\n\n");
            for (int i = 0; i < 4_000; i++) { // ends with an IOException once the gateway closes the call
                out.write(FLOOD_CHUNK);
                out.flush();
            }
            return false;
        }
        for (int i = 0; i < STREAM.length; i++) {
            if (fault == Fault.TRUNCATE && i == 3) {
                out.flush();
                return false;
            }
            if (fault == Fault.STALL && i == 2) {
                out.flush();
                hangsUpWithin(socket, STALL_MILLIS); // the gateway's read timeout should end it first
                return false;
            }
            String data = fault == Fault.GARBAGE && i == 2 ? "{\"id\":\"gen-s\",\"choices\":[{\"index\":0,\"delta\":" : STREAM[i];
            chunk(out, "data: " + data + "\n\n");
            if (fault == Fault.SLOW) {
                out.flush();
                if (hangsUpWithin(socket, SLOW_GAP_MILLIS)) {
                    return false; // its client dropped the stream and the gateway closed this call: stop writing
                }
            }
        }
        chunk(out, "data: [DONE]\n\n");
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return true;
    }

    /**
     * Waits up to {@code millis} for the gateway to close this connection, which is all it can do mid-answer (it sends
     * nothing more on it); true when it did. A slow or stalled answer thus ends as soon as the gateway gives up on it.
     */
    private static boolean hangsUpWithin(Socket socket, long millis) throws IOException {
        socket.setSoTimeout((int) millis);
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset by the gateway
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(0);
            }
        }
    }

    private static byte[] head(int status, String contentType, int length, String... extra) {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(" X\r\n")
                .append("Content-Type: ").append(contentType).append("\r\n")
                .append(length < 0 ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + length + "\r\n");
        for (String header : extra) {
            head.append(header).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void write(OutputStream out, byte[] head, byte[] body) throws IOException {
        out.write(head);
        out.write(body);
        out.flush();
    }

    private static void chunk(OutputStream out, String text) throws IOException {
        out.write(chunkOf(text));
    }

    /** {@code text} as one chunk of a chunked body: its length in hex, the bytes, CR LF. */
    private static byte[] chunkOf(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] size = (Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] chunk = new byte[size.length + bytes.length + 2];
        System.arraycopy(size, 0, chunk, 0, size.length);
        System.arraycopy(bytes, 0, chunk, size.length, bytes.length);
        chunk[chunk.length - 2] = '\r';
        chunk[chunk.length - 1] = '\n';
        return chunk;
    }

    /** One request as read off the socket: what the upstream looks at. */
    private record Request(String target, boolean stream, byte[] body) {
        boolean chatCompletion() {
            return target.endsWith("/chat/completions");
        }

        /** The next request on the connection, or null at its end. */
        static Request read(InputStream in) throws IOException {
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
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            String target = lines[0].split(" ")[1];
            int length = 0;
            boolean stream = false;
            for (String line : lines) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring("content-length:".length()).strip());
                } else if (lower.startsWith("accept:") && lower.contains("text/event-stream")) {
                    stream = true;
                }
            }
            return new Request(target, stream, in.readNBytes(length));
        }
    }
}
