package dev.ccrouter.http;

/** A header with its value, made once for a response that sends it often. */
public record Header(HeaderName name, String value) {
    public static final Header CONNECTION_CLOSE = new Header(HeaderNames.CONNECTION, "close");

    public static Header of(HeaderName name, String value) {
        return new Header(name, value);
    }
}
