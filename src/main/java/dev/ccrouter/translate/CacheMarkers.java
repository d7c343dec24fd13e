package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic {@code cache_control} breakpoints on their way upstream.
 *
 * <p>Markers are validated on every route (so the same body gets the same 400 wherever it goes) but forwarded only
 * when the model {@linkplain ModelCapabilities#cacheControl() honours them}; their {@code ttl} is kept only where
 * {@linkplain ModelCapabilities#cacheTtl() 1-hour caching exists}. Once the body is built,
 * {@link #enforceLimit} keeps at most {@value #BREAKPOINT_LIMIT} of them, because Anthropic rejects a fifth.
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
        JsonNode control = owner.get(FIELD);
        if (control == null || control.isNull()) {
            return null;
        }
        try {
            return marker(control);
        } catch (FieldProblem problem) {
            throw problem.under(FIELD);
        }
    }

    private ObjectNode marker(JsonNode control) {
        if (!control.isObject()) {
            throw FieldProblem.here(Fields.NOT_OBJECT);
        }
        if (!"ephemeral".equals(Fields.requiredString(control, "type"))) {
            throw FieldProblem.at("type", Fields.oneOf("ephemeral"));
        }
        String ttl = Fields.optionalString(control, "ttl");
        if (ttl != null && !ttl.equals("5m") && !ttl.equals("1h")) {
            throw FieldProblem.at("ttl", Fields.oneOf("5m", "1h"));
        }
        if (!caps.cacheControl()) {
            return null;
        }
        ObjectNode marker = nodes.objectNode().put("type", "ephemeral");
        if (ttl != null && caps.cacheTtl()) {
            marker.put("ttl", ttl);
        }
        return marker;
    }

    /**
     * Drops the earliest markers of the finished body so that at most {@value #BREAKPOINT_LIMIT} remain, counting
     * the top-level one. The latest markers are kept because they cover the longest prefix: Claude Code moves its
     * message breakpoint forward every turn, and an earlier breakpoint is also found by the 20-block look-back.
     *
     * @return whether every remaining breakpoint asks for a 1-hour TTL (and there is at least one)
     */
    static boolean enforceLimit(JsonNode tools, JsonNode messages, JsonNode topLevel) {
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
        int limit = topLevel == null ? BREAKPOINT_LIMIT : BREAKPOINT_LIMIT - 1;
        int excess = owners.size() - limit;
        for (int i = 0; i < excess; i++) {
            owners.get(i).remove(FIELD);
        }
        boolean any = topLevel != null;
        boolean allOneHour = topLevel == null || isOneHour(topLevel);
        for (int i = Math.max(excess, 0); i < owners.size(); i++) {
            any = true;
            allOneHour &= isOneHour(owners.get(i).get(FIELD));
        }
        return any && allOneHour;
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
