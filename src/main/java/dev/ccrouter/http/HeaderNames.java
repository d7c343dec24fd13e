package dev.ccrouter.http;

/** The header names the server and the gateway use, and {@link #create} for others. */
public final class HeaderNames {
    public static final HeaderName ACCEPT = create("Accept");
    public static final HeaderName ACCESS_CONTROL_ALLOW_HEADERS = create("Access-Control-Allow-Headers");
    public static final HeaderName ACCESS_CONTROL_ALLOW_METHODS = create("Access-Control-Allow-Methods");
    public static final HeaderName ACCESS_CONTROL_ALLOW_ORIGIN = create("Access-Control-Allow-Origin");
    public static final HeaderName ACCESS_CONTROL_MAX_AGE = create("Access-Control-Max-Age");
    public static final HeaderName AUTHORIZATION = create("Authorization");
    public static final HeaderName CACHE_CONTROL = create("Cache-Control");
    public static final HeaderName CONNECTION = create("Connection");
    public static final HeaderName CONTENT_LENGTH = create("Content-Length");
    public static final HeaderName CONTENT_TYPE = create("Content-Type");
    public static final HeaderName DATE = create("Date");
    public static final HeaderName EXPECT = create("Expect");
    public static final HeaderName HOST = create("Host");
    public static final HeaderName ORIGIN = create("Origin");
    public static final HeaderName RETRY_AFTER = create("Retry-After");
    public static final HeaderName TRANSFER_ENCODING = create("Transfer-Encoding");
    public static final HeaderName VARY = create("Vary");
    public static final HeaderName X_FORWARDED_HOST = create("X-Forwarded-Host");
    public static final HeaderName X_FORWARDED_PROTO = create("X-Forwarded-Proto");

    private HeaderNames() {
    }

    /** A header name, written as given; matched in any case. */
    public static HeaderName create(String name) {
        return new HeaderName(name);
    }
}
