package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.http.RequestHeaders;

/**
 * The gateway's own keys ({@code auth.keys}). When set, every API request must present one, as {@code x-api-key} or
 * {@code Authorization: Bearer}, and the key stays here: providers are called with their own keys. When not set, the
 * client's key is the provider key and is forwarded, as the gateway has always done.
 *
 * <p>Keys are compared as {@link KeyDigests} compares them: response times tell nothing of them.
 */
final class ClientAuth {
    private static final String NOT_A_KEY = "Invalid API key: it is not one of this gateway's keys (auth.keys).";
    /**
     * Both headers came and {@code x-api-key} was read: the user may well have set the gateway key as the Bearer. The
     * Bearer is not checked, so the answer tells nothing of it.
     */
    private static final String NOT_A_KEY_BESIDE_BEARER = "Invalid API key: the x-api-key header is not one of this "
            + "gateway's keys (auth.keys), and it is the one read when Authorization: Bearer comes too. Send the "
            + "gateway key alone: in Claude Code and the SDKs, ANTHROPIC_AUTH_TOKEN set and ANTHROPIC_API_KEY empty.";

    private final KeyDigests keys;

    ClientAuth(AuthSettings settings) {
        this.keys = new KeyDigests(settings.keys().stream().map(AuthSettings.ClientKey::key).toList());
    }

    /** Whether clients must present a gateway key. */
    boolean required() {
        return !keys.isEmpty();
    }

    /**
     * Admits a request: under {@code auth.keys} only with one of the keys; otherwise (open gateway) with any key,
     * which is forwarded upstream. The error names what is wrong and never the key.
     *
     * @return the key to forward to providers that take the client's key: null under {@code auth.keys}
     * @throws Refused when the request may not pass
     */
    String admit(RequestHeaders headers) throws Refused {
        String presented = ClientCredentials.apiKey(headers);
        if (presented == null) {
            throw new Refused(AnthropicError.of(ErrorType.AUTHENTICATION, required()
                    ? "No API key: this gateway requires one of its keys as x-api-key or Authorization: Bearer "
                    + "(ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN)."
                    : "No API key: send it as x-api-key or Authorization: Bearer (ANTHROPIC_API_KEY or "
                    + "ANTHROPIC_AUTH_TOKEN)."));
        }
        if (!required()) {
            return presented;
        }
        if (!keys.contains(presented)) {
            throw new Refused(AnthropicError.of(ErrorType.AUTHENTICATION,
                    ClientCredentials.bearerBeside(headers, presented) ? NOT_A_KEY_BESIDE_BEARER : NOT_A_KEY));
        }
        return null;
    }


    /**
     * For endpoints that never call a provider ({@code count_tokens}, {@code models}): open without
     * {@code auth.keys}, else only with one of the gateway's keys.
     */
    void checkGatewayKey(RequestHeaders headers) throws Refused {
        if (required()) {
            admit(headers);
        }
    }

    /** A request without an acceptable key, or over one of its limits ({@link SpendingLimits}). */
    static final class Refused extends Exception {
        final AnthropicError error;
        /** Over a rate: the wait to the millisecond, for {@code retry-after-ms}; else null. */
        final Long retryAfterMillis;

        Refused(AnthropicError error) {
            this(error, null);
        }

        Refused(AnthropicError error, Long retryAfterMillis) {
            super(error.message(), null, false, false);
            this.error = error;
            this.retryAfterMillis = retryAfterMillis;
        }
    }
}
