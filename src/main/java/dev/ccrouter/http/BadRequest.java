package dev.ccrouter.http;

import java.io.IOException;

/**
 * A request the server cannot read as HTTP/1.1: answered with this status and message, then its connection closed
 * (after what was read, the framing of anything that follows cannot be trusted).
 */
public final class BadRequest extends IOException {
    private final int status;

    public BadRequest(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
