package dev.ccrouter.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A keep-alive HTTP/1.1 client on one socket that does nothing but send prepared bytes and read the answer to its
 * end (Content-Length or chunked), timing it: the measuring instrument should cost next to nothing, so it is not a
 * general HTTP client. Reconnects when the server closes the connection.
 */
final class RawHttpClient implements Closeable {
    /** One exchange: nanoseconds from the request's first byte to the answer's first byte, and to its last byte. */
    record Timing(long firstByte, long total) {
        long span() {
            return total - firstByte;
        }
    }

    private final InetSocketAddress address;
    private final String path;
    private final byte[] buffer = new byte[256 * 1024];
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int position;
    private int limit;
    private int resent;

    RawHttpClient(String url) {
        URI uri = URI.create(url);
        this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
        this.path = uri.getRawPath();
    }

    /** The path of this client's URL. */
    String path() {
        return path;
    }

    /** The complete bytes of a JSON POST to this client's URL; the canned upstream answers by {@code Accept}. */
    byte[] post(byte[] body, boolean stream) {
        return request(path, address.getHostString() + ":" + address.getPort(),
                "x-api-key: sk-bench\r\nAuthorization: Bearer sk-bench\r\n", body, stream);
    }

    /**
     * A JSON POST as bytes: request line, {@code Host}, content type, {@code Accept} by {@code stream}, the given
     * header lines (each ending in CR LF), {@code anthropic-version}, the length, and the body.
     */
    static byte[] request(String path, String host, String headerLines, byte[] body, boolean stream) {
        String head = "POST " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Accept: " + (stream ? "text/event-stream" : "application/json") + "\r\n"
                + headerLines
                + "anthropic-version: 2023-06-01\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        byte[] head8 = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head8.length + body.length];
        System.arraycopy(head8, 0, request, 0, head8.length);
        System.arraycopy(body, 0, request, head8.length, body.length);
        return request;
    }

    Timing send(byte[] request) throws IOException {
        if (socket == null) {
            connect();
        }
        long start = System.nanoTime();
        out.write(request);
        out.flush();
        if (!answerBegins()) {
            // A kept-alive connection the server closed before answering (nginx does so, rarely, after thousands of
            // large bodies): sent again on a fresh connection, timed from there, and counted.
            close();
            resent++;
            connect();
            start = System.nanoTime();
            out.write(request);
            out.flush();
            fill();
        }
        long firstByte = System.nanoTime() - start;
        String status = line();
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String lower = header.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (!status.startsWith("HTTP/1.1 200")) {
            throw new IOException(path + " answered " + status);
        }
        if (chunked) {
            for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0;
                 size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                skip(size);
                line();
            }
            line(); // the empty line after the last chunk (no trailers are sent)
        } else if (contentLength >= 0) {
            skip(contentLength);
        } else {
            throw new IOException(path + ": an answer without length or chunking");
        }
        long total = System.nanoTime() - start;
        if (close) {
            close();
        }
        return new Timing(firstByte, total);
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(address, 5_000);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        position = 0;
        limit = 0;
    }

    /** Requests sent again because their kept-alive connection closed before any byte of an answer. */
    int resent() {
        return resent;
    }

    /** Waits for the answer's first bytes; false when the connection closed first. */
    private boolean answerBegins() throws IOException {
        if (position < limit) {
            return true;
        }
        int read = in.read(buffer, 0, buffer.length);
        if (read < 0) {
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    private void fill() throws IOException {
        if (position < limit) {
            return;
        }
        int read = in.read(buffer, 0, buffer.length);
        if (read < 0) {
            throw new IOException(path + ": connection closed mid-answer");
        }
        position = 0;
        limit = read;
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            fill();
            byte b = buffer[position++];
            if (b == '\n') {
                int length = line.length();
                return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
            }
            line.append((char) b);
        }
    }

    private void skip(long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            fill();
            int step = (int) Math.min(left, limit - position);
            position += step;
            left -= step;
        }
    }

    @Override
    public void close() throws IOException {
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }
}
