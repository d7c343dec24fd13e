package dev.ccrouter.upstream;

import dev.ccrouter.api.anthropic.AnthropicError;

/** The upstream could not be reached or did not answer in time; no response exists to translate. */
public final class UpstreamException extends RuntimeException {
    private final AnthropicError error;

    UpstreamException(AnthropicError error, Throwable cause) {
        super(error.message(), cause, false, false);
        this.error = error;
    }

    public AnthropicError error() {
        return error;
    }
}
