package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.CacheTtls;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic {@code cache_control} breakpoints on their way upstream.
 *
 * <p>Markers are checked on every route ({@link MessagesRequestShape}: the same body gets the same 400 wherever it
 * goes) but forwarded only when the model {@linkplain ModelCapabilities#cacheControl() honours them}; their
 * {@code ttl} is kept only where {@linkplain ModelCapabilities#cacheTtl() 1-hour caching exists}. Once the body is
 * built, {@link #settle} places breakpoints for Claude models when the client sent none, keeps at most
 * {@value #BREAKPOINT_LIMIT} (Anthropic rejects a fifth) and reports their TTLs, which price the cache writes.
 */
final class CacheMarkers {
    /** Anthropic allows four breakpoints per request, automatic caching (top-level {@code cache_control}) included. */
    static final int BREAKPOINT_LIMIT = 4;

    private static final String FIELD = "cache_control";

    private final ModelCapabilities caps;
    private final JsonNodeFactory nodes;

    CacheMarkers(ModelCapabilities caps, JsonNodeFactory nodes) {
        this.caps = caps;
        this.nodes = nodes;
    }

    /** The marker to forward for {@code owner.cache_control}, or null when it has none or the model ignores markers. */
    ObjectNode markerOf(JsonNode owner) {
        JsonNode control = Fields.optional(owner, FIELD);
        if (control == null || !caps.cacheControl()) {
            return null;
        }
        ObjectNode marker = nodes.objectNode().put("type", "ephemeral");
        String ttl = Fields.string(control, "ttl");
        if (ttl != null && caps.cacheTtl()) {
            marker.put("ttl", ttl);
        }
        return marker;
    }

    /**
     * Settles the breakpoints of the finished body. When the client sent none at all and the model
     * {@linkplain ModelCapabilities#autoCacheBreakpoints() wants them placed}, two are placed where Claude Code puts
     * its own: on the end of the system prompt and on the last part of the last message that has content (never on
     * reasoning, which is not a content part, and never on empty text, which the body never holds). Then the earliest
     * markers are dropped so that at most {@value #BREAKPOINT_LIMIT} remain, counting the top-level one. The latest
     * are kept because they cover the longest prefix: Claude Code moves its message breakpoint forward every turn,
     * and an earlier breakpoint is also found by the 20-block look-back.
     *
     * @return the TTLs of the breakpoints that remain, which decide the price of the cache writes
     */
    CacheTtls settle(JsonNode tools, ArrayNode messages, JsonNode topLevel) {
        List<ObjectNode> owners = new ArrayList<>();
        if (tools != null) {
            collect(tools, owners);
        }
        for (JsonNode message : messages) {
            JsonNode content = message.get("content");
            if (content != null && content.isArray()) {
                collect(content, owners);
            }
        }
        if (owners.isEmpty() && topLevel == null && caps.autoCacheBreakpoints()) {
            placeDefaults(messages, owners);
        }
        int limit = topLevel == null ? BREAKPOINT_LIMIT : BREAKPOINT_LIMIT - 1;
        int excess = Math.max(owners.size() - limit, 0);
        for (int i = 0; i < excess; i++) {
            owners.get(i).remove(FIELD);
        }
        int breakpoints = topLevel == null ? 0 : 1;
        int oneHour = topLevel != null && isOneHour(topLevel) ? 1 : 0;
        for (int i = excess; i < owners.size(); i++) {
            breakpoints++;
            oneHour += isOneHour(owners.get(i).get(FIELD)) ? 1 : 0;
        }
        return CacheTtls.of(breakpoints, oneHour);
    }

    /** End of the system prompt, and the last message that has a content part to carry a marker. */
    private void placeDefaults(ArrayNode messages, List<ObjectNode> owners) {
        int first = 0;
        if (!messages.isEmpty() && "system".equals(messages.get(0).path("role").asText())) {
            ObjectNode part = markablePart((ObjectNode) messages.get(0));
            if (part != null) {
                part.set(FIELD, nodes.objectNode().put("type", "ephemeral"));
                owners.add(part);
                first = 1;
            }
        }
        for (int i = messages.size() - 1; i >= first; i--) {
            ObjectNode part = markablePart((ObjectNode) messages.get(i));
            if (part != null) {
                part.set(FIELD, nodes.objectNode().put("type", "ephemeral"));
                owners.add(part);
                return;
            }
        }
    }

    /** The last content part of a message; string content becomes one text part (a marker needs a part). */
    private ObjectNode markablePart(ObjectNode message) {
        JsonNode content = message.get("content");
        if (content instanceof ArrayNode parts && !parts.isEmpty() && parts.get(parts.size() - 1) instanceof ObjectNode last) {
            return last;
        }
        if (content != null && content.isTextual() && !Fields.isEmptyText(content)) {
            ObjectNode part = nodes.objectNode().put("type", "text").set("text", content);
            message.putArray("content").add(part);
            return part;
        }
        return null;
    }

    private static void collect(JsonNode parts, List<ObjectNode> owners) {
        for (JsonNode part : parts) {
            if (part.has(FIELD)) {
                owners.add((ObjectNode) part);
            }
        }
    }

    private static boolean isOneHour(JsonNode marker) {
        return "1h".equals(marker.path("ttl").asText());
    }
}
