package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.AnthropicError;

/**
 * Keeps the client's key out of error messages. Upstream messages are passed on verbatim (Claude Code reads their
 * wording), and some providers quote the key they were given ("Incorrect API key provided: sk-…"); the key is
 * replaced before any such message leaves the gateway.
 */
final class SecretRedaction {
    static final String REDACTED = "[redacted]";
    /** Shorter values are not keys, and replacing them would mangle ordinary words. */
    private static final int MIN_SECRET_LENGTH = 8;

    private SecretRedaction() {
    }

    /** The error with every one of {@code secrets} (nulls skipped) replaced. */
    static AnthropicError redact(AnthropicError error, java.util.Collection<String> secrets) {
        AnthropicError redacted = error;
        for (String secret : secrets) {
            redacted = redact(redacted, secret);
        }
        return redacted;
    }

    static AnthropicError redact(AnthropicError error, String secret) {
        String message = redact(error.message(), secret);
        return message.equals(error.message()) ? error
                : new AnthropicError(error.status(), error.type(), message, error.retryAfter());
    }

    static String redact(String text, String secret) {
        if (text == null || secret == null || secret.length() < MIN_SECRET_LENGTH || !text.contains(secret)) {
            return text;
        }
        return text.replace(secret, REDACTED);
    }
}
