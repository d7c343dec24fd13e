package dev.ccrouter.upstream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A response's status line and headers. A header is looked up in the head's text when asked for, not parsed into a
 * map beforehand: the gateway reads four or five of them ({@code content-type}, framing, {@code connection}, and on
 * errors {@code retry-after}, {@code location}) and a provider sends twenty, each a name lower-cased, a value cut and a
 * map entry per response (1.5 % of a request's CPU at 64 connections). Names match whatever their case; of a repeated
 * header the first value counts.
 */
final class ResponseHead {
    private final int status;
    /** The head as ISO-8859-1 text, each byte one character. */
    private final String text;
    /** Where the first header line starts: after the status line's LF. */
    private final int headersStart;

    private ResponseHead(int status, String text, int headersStart) {
        this.status = status;
        this.text = text;
        this.headersStart = headersStart;
    }

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
        return new ResponseHead(status, text, end + 1);
    }

    int status() {
        return status;
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

    /** The first value of the header {@code name} (any case), control characters made spaces; null when absent. */
    String header(String name) {
        for (int start = headersStart, end; start < text.length(); start = end + 1) {
            end = lineEnd(text, start);
            int lineEnd = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            int colon = text.indexOf(':', start);
            if (colon > start && colon < lineEnd && isName(start, colon, name)) {
                return withoutControls(text.substring(colon + 1, lineEnd)).strip();
            }
        }
        return null;
    }

    /** Whether the text between {@code start} and {@code colon}, without surrounding white space, is {@code name}. */
    private boolean isName(int start, int colon, String name) {
        while (start < colon && Character.isWhitespace(text.charAt(start))) {
            start++;
        }
        while (colon > start && Character.isWhitespace(text.charAt(colon - 1))) {
            colon--;
        }
        return colon - start == name.length() && text.regionMatches(true, start, name, 0, name.length());
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
