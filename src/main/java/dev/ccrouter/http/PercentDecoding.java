package dev.ccrouter.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** RFC 3986 percent-decoding of a path or a query component, as UTF-8; a malformed escape is the client's error. */
final class PercentDecoding {
    private PercentDecoding() {
    }

    /** The decoded path; {@code +} stays {@code +}. */
    static String path(String raw) throws BadRequest {
        return decode(raw, false);
    }

    /** A query name or value decoded as a form would be: {@code +} is a space. */
    static String query(String raw) throws BadRequest {
        return decode(raw, true);
    }

    private static String decode(String raw, boolean plusIsSpace) throws BadRequest {
        if (raw.indexOf('%') < 0 && !(plusIsSpace && raw.indexOf('+') >= 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = high >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (low < 0) {
                    throw new BadRequest(400, "Malformed percent-escape in the request target.");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
