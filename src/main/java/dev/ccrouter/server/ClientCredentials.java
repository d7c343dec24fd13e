package dev.ccrouter.server;

import dev.ccrouter.http.HeaderName;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.RequestHeaders;

/**
 * The client's API key, which is the upstream key: Claude Code sends it as {@code x-api-key}
 * ({@code ANTHROPIC_API_KEY}) or {@code Authorization: Bearer} ({@code ANTHROPIC_AUTH_TOKEN}); either is accepted.
 */
final class ClientCredentials {
    private static final HeaderName X_API_KEY = HeaderNames.create("x-api-key");

    private ClientCredentials() {
    }

    /** The key, or null when the request carries none; {@code x-api-key} when both headers come. */
    static String apiKey(RequestHeaders headers) {
        String key = headers.first(X_API_KEY).map(String::strip).orElse("");
        return !key.isEmpty() ? key : bearer(headers);
    }

    /**
     * Whether the request carries both headers with different keys, of which {@link #apiKey} read {@code x-api-key}:
     * an SDK with both ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN set sends both.
     */
    static boolean bearerBeside(RequestHeaders headers, String read) {
        String bearer = bearer(headers);
        return bearer != null && !bearer.equals(read);
    }

    private static String bearer(RequestHeaders headers) {
        String authorization = headers.first(HeaderNames.AUTHORIZATION).map(String::strip).orElse("");
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).strip();
            return token.isEmpty() ? null : token;
        }
        return null;
    }
}
