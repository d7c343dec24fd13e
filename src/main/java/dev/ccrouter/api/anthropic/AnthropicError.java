package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The one shape an error has inside the gateway. It is written at the edge as the Anthropic envelope
 * {@code {"type":"error","error":{"type":…,"message":…}}}: as an HTTP response before a stream starts,
 * as {@code event: error} after.
 *
 * @param status     HTTP status to answer with (before a stream starts)
 * @param type       Anthropic error type
 * @param message    human-readable message; never contains a secret
 * @param retryAfter value for the {@code retry-after} header (seconds), or null
 */
public record AnthropicError(int status, ErrorType type, String message, String retryAfter) {

    public static AnthropicError of(ErrorType type, String message) {
        return new AnthropicError(type.status(), type, message, null);
    }

    public static AnthropicError invalidRequest(String message) {
        return of(ErrorType.INVALID_REQUEST, message);
    }

    /** The {@code error} event / response body. */
    public ObjectNode toEnvelope() {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        root.put("type", "error");
        ObjectNode error = root.putObject("error");
        error.put("type", type.wireName());
        error.put("message", message);
        return root;
    }
}
