package dev.ccrouter.upstream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A response's status line and headers. Header names are kept lower-case; of a repeated header the first value is
 * kept, which is all the gateway reads ({@code content-type}, {@code retry-after}, {@code location}, framing).
 */
record ResponseHead(int status, Map<String, String> headers) {

    static ResponseHead parse(byte[] head) throws IOException {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        int end = lineEnd(text, 0);
        String statusLine = line(text, 0, end);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
            throw new IOException("the upstream's answer does not start with an HTTP/1.x status line");
        }
        int status;
        try {
            status = Integer.parseInt(statusLine.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("the upstream's status line has no status code");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int start = end + 1; start < text.length(); start = end + 1) {
            end = lineEnd(text, start);
            String line = line(text, start, end);
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                        withoutControls(line.substring(colon + 1)).strip());
            }
        }
        return new ResponseHead(status, headers);
    }

    /** Where the line starting at {@code start} ends: its LF, else the end of the text. */
    private static int lineEnd(String text, int start) {
        int newline = text.indexOf('\n', start);
        return newline < 0 ? text.length() : newline;
    }

    /** The line without its terminator (LF, or CR LF). */
    private static String line(String text, int start, int end) {
        return end > start && text.charAt(end - 1) == '\r' ? text.substring(start, end - 1) : text.substring(start, end);
    }

    /**
     * A value with control characters (a lone CR above all) made spaces: header values read here may be written
     * into the client's response ({@code retry-after}, a content type), which the server does not validate again.
     */
    private static String withoutControls(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ' ' && c != '\t' || c == 0x7f) {
                StringBuilder clean = new StringBuilder(value);
                for (int j = i; j < clean.length(); j++) {
                    char d = clean.charAt(j);
                    if (d < ' ' && d != '\t' || d == 0x7f) {
                        clean.setCharAt(j, ' ');
                    }
                }
                return clean.toString();
            }
        }
        return value;
    }

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Whether the provider said it will close the connection after this response. */
    boolean closesConnection() {
        String connection = header("connection");
        return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
    }

    boolean chunked() {
        String encoding = header("transfer-encoding");
        return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
    }

    /** The declared body length, or -1 when none is declared. */
    long contentLength() throws IOException {
        String length = header("content-length");
        if (length == null) {
            return -1;
        }
        try {
            long value = Long.parseLong(length);
            if (value < 0) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IOException("the upstream sent an invalid content-length: " + length);
        }
    }

    /** Responses that never carry a body, whatever their headers say. */
    boolean bodiless() {
        return status == 204 || status == 304 || status / 100 == 1;
    }
}
