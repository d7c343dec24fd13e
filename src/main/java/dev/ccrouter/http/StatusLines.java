package dev.ccrouter.http;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Map;

/** Status lines made once, and the {@code Date} line made once a second. */
public final class StatusLines {
    private static final Map<Integer, String> REASONS = Map.ofEntries(
            Map.entry(100, "Continue"), Map.entry(200, "OK"), Map.entry(201, "Created"), Map.entry(202, "Accepted"),
            Map.entry(204, "No Content"), Map.entry(301, "Moved Permanently"), Map.entry(302, "Found"),
            Map.entry(303, "See Other"), Map.entry(304, "Not Modified"), Map.entry(307, "Temporary Redirect"),
            Map.entry(308, "Permanent Redirect"), Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"),
            Map.entry(402, "Payment Required"), Map.entry(403, "Forbidden"), Map.entry(404, "Not Found"),
            Map.entry(405, "Method Not Allowed"), Map.entry(406, "Not Acceptable"), Map.entry(408, "Request Timeout"),
            Map.entry(409, "Conflict"), Map.entry(410, "Gone"), Map.entry(411, "Length Required"),
            Map.entry(413, "Content Too Large"), Map.entry(414, "URI Too Long"),
            Map.entry(415, "Unsupported Media Type"), Map.entry(417, "Expectation Failed"),
            Map.entry(422, "Unprocessable Content"), Map.entry(429, "Too Many Requests"),
            Map.entry(431, "Request Header Fields Too Large"), Map.entry(500, "Internal Server Error"),
            Map.entry(501, "Not Implemented"), Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
            Map.entry(504, "Gateway Timeout"), Map.entry(505, "HTTP Version Not Supported"),
            Map.entry(529, "Overloaded"));
    private static final byte[][] LINES = new byte[600][];
    /**
     * IMF-fixdate's English names, written by hand: a {@code DateTimeFormatter} with day and month names loads the
     * JDK's locale data at its first use, ≈ 15 ms of a fresh gateway's first request.
     */
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
            "Nov", "Dec"};

    static {
        REASONS.forEach((status, reason) -> LINES[status] = line(status, reason));
    }

    private record DateLine(long second, byte[] bytes) {
    }

    private static volatile DateLine date = new DateLine(-1, new byte[0]);

    private StatusLines() {
    }

    /** {@code HTTP/1.1 <status> <reason>\r\n}. */
    static byte[] line(int status, String reason) {
        if (reason == null) {
            byte[] known = status >= 100 && status < LINES.length ? LINES[status] : null;
            return known != null ? known : line(status, "");
        }
        byte[] line = ("HTTP/1.1 " + status + " " + reason + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < line.length - 2; i++) {
            // a control character could split the head: it goes out as a space, as in header values (one beyond
            // Latin-1 was encoded as '?')
            if (!Tokens.isValueByte(line[i])) {
                line[i] = ' ';
            }
        }
        return line;
    }

    static String reason(int status) {
        return REASONS.getOrDefault(status, "");
    }

    /** {@code Date: <IMF-fixdate>\r\n} for the current second: every response of a server with a clock has one. */
    public static byte[] dateLine() {
        long second = System.currentTimeMillis() / 1000;
        DateLine current = date;
        if (current.second() != second) {
            current = new DateLine(second, ("Date: " + httpDate(second) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            date = current;
        }
        return current.bytes();
    }

    /** {@code Sun, 06 Nov 1994 08:49:37 GMT} (RFC 9110 §5.6.7) for a second since the epoch. */
    static String httpDate(long epochSecond) {
        LocalDateTime time = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        return DAYS[time.getDayOfWeek().ordinal()] + ", " + twoDigits(time.getDayOfMonth()) + " "
                + MONTHS[time.getMonthValue() - 1] + " " + time.getYear() + " " + twoDigits(time.getHour()) + ":"
                + twoDigits(time.getMinute()) + ":" + twoDigits(time.getSecond()) + " GMT";
    }

    private static String twoDigits(int value) {
        return value < 10 ? "0" + value : String.valueOf(value);
    }
}
