package dev.ccrouter.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP header's name: written as given, matched without regard to case. Made once (as a constant) and compared
 * against a request's raw header bytes, so reading a header costs no string per request.
 */
public final class HeaderName {
    private final String written;
    private final String lowerCase;
    private final byte[] lowerCaseBytes;
    /** {@code "Name: "}, ready to append to a response head. */
    private final byte[] headPrefix;

    HeaderName(String written) {
        if (written.isEmpty() || !Tokens.isToken(written)) {
            throw new IllegalArgumentException("not a header name: " + written);
        }
        this.written = written;
        this.lowerCase = written.toLowerCase(Locale.ROOT);
        this.lowerCaseBytes = lowerCase.getBytes(StandardCharsets.US_ASCII);
        this.headPrefix = (written + ": ").getBytes(StandardCharsets.US_ASCII);
    }

    /** The name as a response writes it. */
    public String text() {
        return written;
    }

    /** The name in lower case, as it is compared. */
    public String lowerCase() {
        return lowerCase;
    }

    byte[] lowerCaseBytes() {
        return lowerCaseBytes;
    }

    byte[] headPrefix() {
        return headPrefix;
    }

    /** Whether {@code name} (any case) is this header's name. */
    public boolean matches(String name) {
        return lowerCase.equalsIgnoreCase(name);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HeaderName that && lowerCase.equals(that.lowerCase);
    }

    @Override
    public int hashCode() {
        return lowerCase.hashCode();
    }

    @Override
    public String toString() {
        return written;
    }
}
