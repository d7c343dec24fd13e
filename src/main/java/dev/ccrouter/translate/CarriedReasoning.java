package dev.ccrouter.translate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.JsonBuffers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reasoning a provider requires back on the next turn, carried through the client unchanged. Claude Code keeps a
 * thinking block's {@code signature} and a {@code redacted_thinking} block's {@code data} as opaque strings and
 * sends them back as they were; the gateway puts there what is not an Anthropic signature, as {@value #PREFIX}
 * followed by the base64url form of a JSON object:
 * <ul>
 *   <li>{@code {"reasoning_details": [...]}}: OpenRouter reasoning details of another format than Anthropic's
 *       ({@code google-gemini-v1}, {@code openai-responses-v1}, …), exactly as they arrived (fragments of one
 *       detail joined), so that they go back with their format, id and order unmodified;</li>
 *   <li>{@code {"thought_signature": S, "tool_call_id": ID}}: Gemini's signature of one tool call (its
 *       OpenAI-compatible endpoint puts it in {@code extra_content.google.thought_signature}).</li>
 * </ul>
 * A carried value is only ever decoded back into what it was; it never reaches a provider as a signature.
 */
public final class CarriedReasoning {
    /** Marks the gateway's own encoding; Anthropic signatures are base64 and never contain a dot. */
    static final String PREFIX = "ccr1.";
    private static final ObjectMapper JSON = JsonBuffers.mapper();

    private CarriedReasoning() {
    }

    /** Reasoning details of another format, as one carrier. */
    static String details(ArrayNode details) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        payload.set("reasoning_details", details);
        return encode(payload);
    }

    /** A Gemini thought signature of one tool call (by the upstream's id), as one carrier. */
    static String thoughtSignature(String toolCallId, String signature) {
        return encode(JsonNodeFactory.instance.objectNode()
                .put("thought_signature", signature)
                .put("tool_call_id", toolCallId));
    }

    /** Whether a thinking or redacted-thinking block holds the gateway's encoding rather than a provider's. */
    public static boolean isCarrier(JsonNode block) {
        return isCarried(block.path("signature").asText("")) || isCarried(block.path("data").asText(""));
    }

    static boolean isCarried(String value) {
        return value.startsWith(PREFIX);
    }

    /** The payload of a carried value, or null when it is not one of the gateway's. */
    static JsonNode decode(String value) {
        if (!isCarried(value)) {
            return null;
        }
        try {
            byte[] raw = Base64.getUrlDecoder().decode(value.substring(PREFIX.length()));
            JsonNode payload = JSON.readTree(raw);
            return payload != null && payload.isObject() ? payload : null;
        } catch (IllegalArgumentException | IOException e) {
            return null; // damaged: treated as absent rather than sent upstream as something it is not
        }
    }

    private static String encode(ObjectNode payload) {
        try {
            return PREFIX + Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(JSON.writeValueAsString(payload).getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree is always serializable", e);
        }
    }
}
