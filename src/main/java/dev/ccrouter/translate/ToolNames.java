package dev.ccrouter.translate;

import java.util.HashMap;
import java.util.Map;

/**
 * Collects tool names while a request is translated (tool definitions, {@code tool_use} history, {@code tool_choice})
 * and answers their upstream form on the spot. Shortening is a pure function of the name and the limit, so names met
 * in any order get the same answer that {@link ToolNameMap#forNames} gives for the whole set, and no pre-pass over
 * the conversation is needed.
 */
final class ToolNames {
    private final int limit;
    private final Map<String, String> shortened = new HashMap<>();

    ToolNames(int limit) {
        this.limit = limit;
    }

    String upstream(String clientName) {
        if (clientName.length() <= limit) {
            return clientName;
        }
        return shortened.computeIfAbsent(clientName, name -> ToolNameMap.shorten(name, limit));
    }

    /** The map for the response side: every name that was shortened, and back. */
    ToolNameMap map() {
        return shortened.isEmpty() ? ToolNameMap.IDENTITY : ToolNameMap.forNames(shortened.keySet(), limit);
    }
}
