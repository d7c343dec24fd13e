package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads a request body with a size limit, answering 413 {@code request_too_large} before reading what is too big. */
final class RequestBodies {
    private final long maxBytes;

    RequestBodies(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Thrown for a body over the limit. */
    static final class TooLarge extends Exception {
        final AnthropicError error;

        TooLarge(AnthropicError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }

    byte[] read(ServerRequest req) throws TooLarge {
        long declared = req.headers().first(HeaderNames.CONTENT_LENGTH).map(Long::parseLong).orElse(-1L);
        if (declared > maxBytes) {
            throw tooLarge();
        }
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        try (InputStream in = req.content().inputStream()) {
            int limit = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1);
            byte[] body = in.readNBytes(limit);
            if (body.length > maxBytes) {
                throw tooLarge();
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TooLarge tooLarge() {
        return new TooLarge(AnthropicError.of(ErrorType.REQUEST_TOO_LARGE,
                "Request exceeds the maximum allowed number of bytes (" + maxBytes + ")."));
    }
}
