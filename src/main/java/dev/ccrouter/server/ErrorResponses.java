package dev.ccrouter.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.http.HeaderName;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerResponse;

/**
 * Writes an {@link AnthropicError} as an HTTP response: the Anthropic envelope, its status, {@code retry-after}, and
 * {@code x-should-retry}.
 */
final class ErrorResponses {
    static final HeaderName REQUEST_ID = HeaderNames.create("request-id");
    /**
     * Anthropic's SDKs, and so Claude Code, obey this header before anything else. Without it they retry by status
     * alone, and Claude Code would retry a wrong key ten times over three minutes before saying so.
     */
    static final HeaderName SHOULD_RETRY = HeaderNames.create("x-should-retry");

    /** The SDKs read it before {@code retry-after}: a wait to the millisecond (the gateway's own rate limits). */
    static final HeaderName RETRY_AFTER_MS = HeaderNames.create("retry-after-ms");

    private final ObjectMapper json;

    ErrorResponses(ObjectMapper json) {
        this.json = json;
    }

    void send(ServerResponse res, AnthropicError error, String requestId) {
        ObjectNode envelope = error.toEnvelope();
        envelope.put("request_id", requestId);
        res.status(error.status());
        res.header(REQUEST_ID, requestId);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(SHOULD_RETRY, String.valueOf(retryMayHelp(error.status())));
        if (error.retryAfter() != null) {
            res.header(HeaderNames.RETRY_AFTER, error.retryAfter());
        }
        try {
            res.send(json.writeValueAsBytes(envelope));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an error envelope is always serializable", e);
        }
    }

    /**
     * What the SDKs would retry by status (timeout, conflict, rate limit, server trouble, overload): the same request
     * may succeed later. A bad request, key, permission, path or size, a coding or HTTP version not supported
     * (501, 505), gets the same answer every time.
     */
    static boolean retryMayHelp(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500 && status != 501 && status != 505;
    }
}
