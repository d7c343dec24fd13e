package dev.ccrouter.translate;

/**
 * A client body {@link MessagesRequestShape} refuses, for {@code /v1/messages} or {@code count_tokens}. The message names
 * the field in Anthropic's style, e.g. {@code messages.1.content.0.type: Input should be 'text', 'image', …}; it becomes
 * a 400 {@code invalid_request_error}.
 */
public final class InvalidRequestException extends RuntimeException {
    public InvalidRequestException(String message) {
        super(message, null, false, false);
    }
}
