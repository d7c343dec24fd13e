package dev.ccrouter.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** Writes an {@link AnthropicError} as an HTTP response: the Anthropic envelope, its status, {@code retry-after}. */
final class ErrorResponses {
    static final HeaderName REQUEST_ID = HeaderNames.create("request-id");

    private final ObjectMapper json;

    ErrorResponses(ObjectMapper json) {
        this.json = json;
    }

    void send(ServerResponse res, AnthropicError error, String requestId) {
        ObjectNode envelope = error.toEnvelope();
        envelope.put("request_id", requestId);
        res.status(Status.create(error.status(), reasonPhrase(error.status())));
        res.header(REQUEST_ID, requestId);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        if (error.retryAfter() != null) {
            res.header(HeaderNames.RETRY_AFTER, error.retryAfter());
        }
        try {
            res.send(json.writeValueAsBytes(envelope));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error envelope is always serializable", e);
        }
    }

    /** Anthropic's 529 has no standard phrase; the SDKs read only the code. */
    private static String reasonPhrase(int status) {
        return status == 529 ? "Overloaded" : Status.create(status).reasonPhrase();
    }
}
