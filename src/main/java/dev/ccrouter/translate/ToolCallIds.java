package dev.ccrouter.translate;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Tool call ids as the client must see them and as the upstream issued them. Anthropic requires
 * {@code ^[a-zA-Z0-9_-]+$}; some upstreams issue others (Kimi: {@code functions.Bash:0}). Such an id reaches the client
 * as {@code toolu_enc_} + its base64url form, which uses only allowed characters, and is decoded back when the client
 * replays it, so the upstream sees its own ids in the conversation history. Ids already valid pass unchanged.
 */
final class ToolCallIds {
    private static final String ENCODED_PREFIX = "toolu_enc_";
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9_-]+");

    private ToolCallIds() {
    }

    /** The id to show the client for an upstream tool call id. */
    static String toClient(String upstreamId) {
        if (VALID.matcher(upstreamId).matches() && !upstreamId.startsWith(ENCODED_PREFIX)) {
            return upstreamId;
        }
        return ENCODED_PREFIX + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(upstreamId.getBytes(StandardCharsets.UTF_8));
    }

    /** The id to send upstream for an id the client replays. */
    static String toUpstream(String clientId) {
        if (!clientId.startsWith(ENCODED_PREFIX)) {
            return clientId;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(clientId.substring(ENCODED_PREFIX.length())),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return clientId; // not one of ours after all
        }
    }
}
