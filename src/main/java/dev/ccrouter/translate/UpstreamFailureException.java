package dev.ccrouter.translate;

import dev.ccrouter.api.anthropic.AnthropicError;

/** The upstream answered, but with a failure that must reach the client as an Anthropic error. */
public final class UpstreamFailureException extends RuntimeException {
    private final AnthropicError error;

    public UpstreamFailureException(AnthropicError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public AnthropicError error() {
        return error;
    }
}
