package dev.ccrouter.api.anthropic;

/** The Anthropic {@code error.type} values this gateway emits, each with the HTTP status Anthropic pairs it with. */
public enum ErrorType {
    INVALID_REQUEST("invalid_request_error", 400),
    AUTHENTICATION("authentication_error", 401),
    BILLING("billing_error", 402),
    PERMISSION("permission_error", 403),
    NOT_FOUND("not_found_error", 404),
    REQUEST_TOO_LARGE("request_too_large", 413),
    RATE_LIMIT("rate_limit_error", 429),
    API("api_error", 500),
    TIMEOUT("timeout_error", 504),
    OVERLOADED("overloaded_error", 529);

    private final String wireName;
    private final int status;

    ErrorType(String wireName, int status) {
        this.wireName = wireName;
        this.status = status;
    }

    /** The value of {@code error.type} on the wire. */
    public String wireName() {
        return wireName;
    }

    /**
     * The type named on the wire when it is one of Anthropic's, else {@code api_error}: what the gateway records of a
     * type a provider chose (the access log, the ledger, the metrics' labels), so no provider can add a label value.
     */
    public static String knownWireName(String wireName) {
        for (ErrorType type : values()) {
            if (type.wireName.equals(wireName)) {
                return wireName;
            }
        }
        return API.wireName;
    }

    /** The HTTP status Anthropic answers with for this type. */
    public int status() {
        return status;
    }
}
