package dev.ccrouter.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A request's line and header fields, parsed and checked (RFC 9112): whatever would let two readers of the same
 * bytes disagree on where the request ends — a bare CR or LF, a folded line, a space before a colon, a
 * {@code Content-Length} beside a {@code Transfer-Encoding}, two lengths — is refused before any handler runs.
 */
final class RequestHead {
    /** How the body is delimited. */
    enum Framing { NONE, LENGTH, CHUNKED }

    final String method;
    final String rawPath;
    final String path;
    /** The raw query (after {@code ?}), or null. */
    final String query;
    final boolean http10;
    final RequestHeaders headers;
    final Framing framing;
    final long contentLength;
    final boolean keepAlive;
    final boolean expectsContinue;

    private RequestHead(String method, String rawPath, String path, String query, boolean http10,
                        RequestHeaders headers, Framing framing, long contentLength, boolean keepAlive,
                        boolean expectsContinue) {
        this.method = method;
        this.rawPath = rawPath;
        this.path = path;
        this.query = query;
        this.http10 = http10;
        this.headers = headers;
        this.framing = framing;
        this.contentLength = contentLength;
        this.keepAlive = keepAlive;
        this.expectsContinue = expectsContinue;
    }

    /**
     * Parses the head in {@code buffer[start, end)}, {@code end} just past its blank line. The bytes are copied: the
     * connection's buffer is reused for the body while the handler still reads the headers.
     */
    static RequestHead parse(byte[] buffer, int start, int end) throws BadRequest {
        byte[] head = Arrays.copyOfRange(buffer, start, end);
        int lineEnd = lineEnd(head, 0);
        int firstSpace = indexOf(head, (byte) ' ', 0, lineEnd);
        int secondSpace = firstSpace < 0 ? -1 : indexOf(head, (byte) ' ', firstSpace + 1, lineEnd);
        if (firstSpace <= 0 || secondSpace < 0 || secondSpace == firstSpace + 1) {
            throw malformed("Malformed request line.");
        }
        for (int i = 0; i < firstSpace; i++) {
            if (!Tokens.isToken(head[i])) {
                throw malformed("Malformed request method.");
            }
        }
        String method = new String(head, 0, firstSpace, StandardCharsets.US_ASCII);
        boolean http10 = version(head, secondSpace + 1, lineEnd);
        String target = target(head, firstSpace + 1, secondSpace);

        int[] bounds = new int[32];
        int count = 0;
        int at = lineEnd + 2;
        while (at < head.length - 2) {
            int end2 = lineEnd(head, at);
            if (head[at] == ' ' || head[at] == '\t') {
                throw malformed("Folded header lines are not accepted.");
            }
            int colon = indexOf(head, (byte) ':', at, end2);
            if (colon <= at) {
                throw malformed("Malformed header line.");
            }
            for (int i = at; i < colon; i++) {
                if (!Tokens.isToken(head[i])) {
                    throw malformed("Malformed header name.");
                }
            }
            int valueStart = colon + 1;
            int valueEnd = end2;
            while (valueStart < valueEnd && (head[valueStart] == ' ' || head[valueStart] == '\t')) {
                valueStart++;
            }
            while (valueEnd > valueStart && (head[valueEnd - 1] == ' ' || head[valueEnd - 1] == '\t')) {
                valueEnd--;
            }
            for (int i = valueStart; i < valueEnd; i++) {
                if (!Tokens.isValueByte(head[i])) {
                    throw malformed("Malformed header value.");
                }
            }
            if (count * 4 == bounds.length) {
                bounds = Arrays.copyOf(bounds, bounds.length * 2);
            }
            bounds[count * 4] = at;
            bounds[count * 4 + 1] = colon;
            bounds[count * 4 + 2] = valueStart;
            bounds[count * 4 + 3] = valueEnd;
            count++;
            at = end2 + 2;
        }
        RequestHeaders headers = new RequestHeaders(head, bounds, count);

        String rawPath = target;
        String query = null;
        int question = target.indexOf('?');
        if (question >= 0) {
            rawPath = target.substring(0, question);
            query = target.substring(question + 1);
        }
        int hash = rawPath.indexOf('#');
        if (hash >= 0 || query != null && query.indexOf('#') >= 0) {
            throw malformed("A request target carries no fragment.");
        }
        if (!http10) {
            checkHost(headers);
        }
        boolean chunked = false;
        long length = 0;
        int lengths = headers.count(HeaderNames.CONTENT_LENGTH);
        if (headers.contains(HeaderNames.TRANSFER_ENCODING)) {
            if (lengths > 0) {
                throw malformed("A request carries Content-Length or Transfer-Encoding, not both.");
            }
            if (http10) {
                throw malformed("Transfer-Encoding is not defined for HTTP/1.0.");
            }
            // RFC 9112 §6.3: a request whose last coding is not chunked has no knowable end (400); chunked after
            // another coding is understood but not supported (501).
            String codings = String.join(",", headers.values(HeaderNames.TRANSFER_ENCODING));
            String last = codings.substring(codings.lastIndexOf(',') + 1).strip();
            if (!last.equalsIgnoreCase("chunked")) {
                throw malformed("A request's last transfer coding is not chunked: its end cannot be known.");
            }
            if (!codings.strip().equalsIgnoreCase("chunked")) {
                throw new BadRequest(501, "Only the chunked transfer coding is supported.");
            }
            chunked = true;
        } else if (lengths > 1) {
            throw malformed("A request carries one Content-Length.");
        } else if (lengths == 1) {
            length = contentLength(headers.value(HeaderNames.CONTENT_LENGTH));
        }
        boolean keepAlive = http10 ? headers.contains(new Header(HeaderNames.CONNECTION, "keep-alive"))
                : !headers.contains(Header.CONNECTION_CLOSE);
        boolean expectsContinue = !http10 && "100-continue".equalsIgnoreCase(headers.value(HeaderNames.EXPECT));
        Framing framing = chunked ? Framing.CHUNKED : length > 0 ? Framing.LENGTH : Framing.NONE;
        return new RequestHead(method, rawPath, PercentDecoding.path(rawPath), query, http10, headers, framing,
                length, keepAlive, expectsContinue);
    }

    /** Where the line starting at {@code from} ends (its CR); a CR or LF anywhere else is refused. */
    private static int lineEnd(byte[] head, int from) throws BadRequest {
        for (int i = from; i < head.length; i++) {
            if (head[i] == '\r') {
                if (i + 1 < head.length && head[i + 1] == '\n') {
                    return i;
                }
                throw malformed("A bare CR in the request head.");
            }
            if (head[i] == '\n') {
                throw malformed("A bare LF in the request head.");
            }
        }
        throw malformed("Malformed request head.");
    }

    /**
     * True for HTTP/1.0, false for HTTP/1.1 and a later HTTP/1 (RFC 9110 §2.5: served as the highest minor version the
     * server speaks); 505 for another major version, 400 for what is not one.
     */
    private static boolean version(byte[] head, int from, int to) throws BadRequest {
        String version = new String(head, from, to - from, StandardCharsets.US_ASCII);
        if (version.equals("HTTP/1.1")) {
            return false;
        }
        if (version.equals("HTTP/1.0")) {
            return true;
        }
        if (version.length() == 8 && version.startsWith("HTTP/") && Character.isDigit(version.charAt(5))
                && version.charAt(6) == '.' && Character.isDigit(version.charAt(7))) {
            if (version.charAt(5) == '1') {
                return false; // HTTP/1.2 … 1.9
            }
            throw new BadRequest(505, "HTTP version not supported: " + version + "; this server speaks HTTP/1.1.");
        }
        throw malformed("Malformed HTTP version.");
    }

    /** The origin-form target ({@code /path?query}); an absolute-form one gives its path and query. */
    private static String target(byte[] head, int from, int to) throws BadRequest {
        for (int i = from; i < to; i++) {
            if (head[i] <= ' ' || head[i] == 0x7F) {
                throw malformed("Malformed request target.");
            }
        }
        String target = new String(head, from, to - from, StandardCharsets.US_ASCII);
        if (target.startsWith("/")) {
            return target;
        }
        int scheme = target.indexOf("://");
        if (scheme > 0 && (target.regionMatches(true, 0, "http", 0, scheme) || target.regionMatches(true, 0,
                "https", 0, scheme)) && (scheme == 4 || scheme == 5)) {
            int pathStart = target.indexOf('/', scheme + 3);
            int queryStart = target.indexOf('?', scheme + 3);
            if (pathStart < 0 || queryStart >= 0 && queryStart < pathStart) {
                return "/" + (queryStart < 0 ? "" : target.substring(queryStart));
            }
            return target.substring(pathStart);
        }
        if (target.equals("*")) {
            return target;
        }
        throw malformed("Malformed request target.");
    }

    private static void checkHost(RequestHeaders headers) throws BadRequest {
        if (headers.count(HeaderNames.HOST) != 1) {
            throw malformed("An HTTP/1.1 request carries exactly one Host header.");
        }
        String host = headers.value(HeaderNames.HOST);
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= ' ' || c == '/' || c == '?' || c == '#' || c == '@' || c == '\\' || c >= 0x7F) {
                throw malformed("Malformed Host header.");
            }
        }
    }

    private static long contentLength(String value) throws BadRequest {
        if (value.isEmpty() || value.length() > 18) {
            throw malformed("Malformed Content-Length.");
        }
        long length = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw malformed("Malformed Content-Length.");
            }
            length = length * 10 + (c - '0');
        }
        return length;
    }

    private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static BadRequest malformed(String message) {
        return new BadRequest(400, message);
    }
}
