package dev.ccrouter.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One HTTP/1.1 response as it came off the wire, parsed by the test itself (no HTTP client in between): its status
 * line, its header fields in order (names looked up case-insensitively), how its body was delimited, and the body with
 * that framing taken off. Read with {@link RawClient#readResponse}.
 *
 * @param version   the status line's protocol, such as {@code HTTP/1.1}
 * @param status    the status code
 * @param reason    the reason phrase (possibly empty)
 * @param headers   the header fields in the order received, names as sent
 * @param framing   how the body was delimited
 * @param body      the body, de-chunked
 * @param chunkSizes for a chunked body, the size of each chunk in order (the last, zero, included)
 */
public record RawResponse(String version, int status, String reason, List<Header> headers, Framing framing,
                          byte[] body, List<Integer> chunkSizes) {

    /** One header field. */
    public record Header(String name, String value) {
    }

    /** How a response's body was delimited (RFC 9112 §6.3). */
    public enum Framing {
        /** No body by definition: 1xx, 204, 304, or the answer to HEAD. */
        NONE,
        CONTENT_LENGTH,
        CHUNKED,
        /** Neither length nor chunked: the body ran until the server closed the connection. */
        CLOSE_DELIMITED
    }

    /** The first value of {@code name}, compared case-insensitively. */
    public Optional<String> header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    /** Every value of {@code name}, compared case-insensitively, in order. */
    public List<String> headers(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).toList();
    }

    /** The body as UTF-8 text. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Whether the response's {@code Connection} header lists {@code token}. */
    public boolean connectionHas(String token) {
        return headers("connection").stream().flatMap(v -> List.of(v.split(",")).stream())
                .anyMatch(t -> t.trim().equalsIgnoreCase(token));
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(version).append(' ').append(status).append(' ').append(reason);
        headers.forEach(h -> out.append("\n").append(h.name()).append(": ").append(h.value()));
        return out.append("\n[").append(framing).append(", ").append(body.length).append(" bytes] ").append(text())
                .toString();
    }

    /**
     * Reads one response from {@code in}. {@code toHead} says the request was a HEAD (no body whatever the headers
     * say). Fails with an {@link AssertionError} on anything that is not well-formed HTTP/1.1 framing; an
     * {@link java.io.EOFException} when the stream ends before a status line starts.
     */
    static RawResponse read(InputStream in, boolean toHead) throws IOException {
        String statusLine = line(in, true);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("\\d{3}")) {
            throw new AssertionError("not a status line: '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        List<Header> headers = new ArrayList<>();
        for (String line = line(in, false); !line.isEmpty(); line = line(in, false)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new AssertionError("not a header line: '" + line + "' after " + statusLine);
            }
            headers.add(new Header(line.substring(0, colon), line.substring(colon + 1).trim()));
        }
        String reason = parts.length > 2 ? parts[2] : "";
        RawResponse head = new RawResponse(parts[0], status, reason, List.copyOf(headers), Framing.NONE, new byte[0],
                List.of());
        List<String> lengths = head.headers("content-length");
        Optional<String> transferEncoding = head.header("transfer-encoding");
        if (toHead || status / 100 == 1 || status == 204 || status == 304) {
            return head;
        }
        if (transferEncoding.isPresent()) {
            if (!lengths.isEmpty()) {
                throw new AssertionError("both Transfer-Encoding and Content-Length: " + head);
            }
            if (!transferEncoding.get().trim().equalsIgnoreCase("chunked")) {
                throw new AssertionError("unexpected transfer coding: " + head);
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            List<Integer> sizes = new ArrayList<>();
            while (true) {
                String sizeLine = line(in, false);
                int semicolon = sizeLine.indexOf(';');
                int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                sizes.add(size);
                if (size == 0) {
                    break;
                }
                body.write(exactly(in, size));
                if (!line(in, false).isEmpty()) {
                    throw new AssertionError("chunk of " + size + " not followed by CRLF");
                }
            }
            while (!line(in, false).isEmpty()) {
                // trailer fields: none expected, but legal
            }
            return new RawResponse(head.version, status, reason, head.headers, Framing.CHUNKED, body.toByteArray(),
                    List.copyOf(sizes));
        }
        if (!lengths.isEmpty()) {
            if (lengths.size() > 1) {
                throw new AssertionError("several Content-Length fields: " + head);
            }
            int length = Integer.parseInt(lengths.getFirst().trim());
            return new RawResponse(head.version, status, reason, head.headers, Framing.CONTENT_LENGTH,
                    exactly(in, length), List.of());
        }
        return new RawResponse(head.version, status, reason, head.headers, Framing.CLOSE_DELIMITED, in.readAllBytes(),
                List.of());
    }

    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw new AssertionError("body ended after " + bytes.length + " of " + length + " bytes: "
                    + new String(bytes, StandardCharsets.UTF_8));
        }
        return bytes;
    }

    /** One CRLF-terminated line, without the CRLF; a bare LF fails (the server must send CRLF). */
    private static String line(InputStream in, boolean first) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (first && line.size() == 0) {
                    throw new java.io.EOFException("connection closed before a response");
                }
                throw new AssertionError("connection closed mid-line: '" + line.toString(StandardCharsets.ISO_8859_1)
                        + "'");
            }
            if (b == '\n') {
                throw new AssertionError("bare LF after '" + line.toString(StandardCharsets.ISO_8859_1) + "'");
            }
            if (b == '\r') {
                if (in.read() != '\n') {
                    throw new AssertionError("CR not followed by LF");
                }
                return line.toString(StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }
}
