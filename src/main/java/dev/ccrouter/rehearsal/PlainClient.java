package dev.ccrouter.rehearsal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The training's and the rehearsal's client: HTTP/1.1 written and read on one plain kept-alive socket, as Claude Code
 * keeps its connection. Whatever the training run loads goes into the ahead-of-time cache that every later start maps
 * (resident memory), so its own client must load next to nothing the gateway does not: Helidon's web client put ≈ 130
 * classes of its own there, and its default TLS set-up ≈ 80 of the JDK's certificate classes (docs/benchmarks.md, "A
 * cache of only what the gateway loads"). It reads what the gateway sends: a body of a Content-Length, or chunks.
 */
public final class PlainClient implements Closeable {
    private final int port;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public PlainClient(int port) throws IOException {
        this.port = port;
        this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Sends a request as Claude Code does and reads the whole response; fails unless it is a 200. */
    public void exchange(String method, String path, byte[] body) throws IOException {
        ByteArrayOutputStream request = new ByteArrayOutputStream(body.length + 256);
        request.writeBytes(head(method, path, body.length).getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(body);
        request.writeTo(out);
        out.flush();
        String status = line();
        long length = -1;
        boolean chunked = false;
        for (String header = line(); !header.isEmpty(); header = line()) {
            String name = header.substring(0, Math.max(header.indexOf(':'), 0)).toLowerCase(Locale.ROOT);
            String value = header.substring(header.indexOf(':') + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding")) {
                chunked = value.equalsIgnoreCase("chunked");
            }
        }
        String content = new String(chunked ? chunks() : in.readNBytes((int) Math.max(length, 0)),
                StandardCharsets.UTF_8);
        if (!status.startsWith("HTTP/1.1 200 ")) {
            throw new IllegalStateException("request " + method + " " + path + " answered " + status
                    + ": " + content);
        }
    }

    String head(String method, String path, int contentLength) {
        return method + " " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Content-Type: application/json\r\n"
                + "x-api-key: sk-local-rehearsal\r\n"
                + "anthropic-version: 2023-06-01\r\n"
                + "Content-Length: " + contentLength + "\r\n\r\n";
    }

    private byte[] chunks() throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (int size = chunkSize(); size > 0; size = chunkSize()) {
            content.writeBytes(in.readNBytes(size));
            line(); // the CRLF after the chunk
        }
        for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
            // trailers: none expected, skipped
        }
        return content.toByteArray();
    }

    private int chunkSize() throws IOException {
        String size = line();
        int extension = size.indexOf(';');
        return Integer.parseInt(extension < 0 ? size : size.substring(0, extension), 16);
    }

    /** One CRLF-ended line, without it. */
    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the gateway closed the connection mid-response");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
