package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * The deferred tools a conversation has loaded. On Anthropic a tool marked {@code defer_loading} stays out of the
 * model's sight until a {@code tool_reference} in a tool result names it: Claude Code's {@code ToolSearch} answers with
 * such references, and Claude Code then sends the loaded tool with the mark still on it, beside a
 * {@code DeferredToolPlaceholder} that is never to be called. The conversation is read only when a tool carries the
 * mark, and then once a request.
 */
final class LoadedTools {
    private final JsonNode messages;
    private Set<String> names;

    LoadedTools(JsonNode messages) {
        this.messages = messages;
    }

    /** Whether a {@code tool_reference} in the conversation names this tool. */
    boolean loaded(String name) {
        if (names == null) {
            names = referencedIn(messages);
        }
        return names.contains(name);
    }

    /**
     * The tool names of every {@code tool_reference} in the tool results of the conversation. Anything malformed is
     * passed over here: the conversation's own translation says what is wrong with it.
     */
    private static Set<String> referencedIn(JsonNode messages) {
        Set<String> names = new HashSet<>();
        if (messages == null) {
            return names;
        }
        for (JsonNode message : messages) {
            JsonNode content = message.path("content");
            if (!content.isArray()) {
                continue;
            }
            for (JsonNode block : content) {
                JsonNode result = block.path("content");
                if (!"tool_result".equals(block.path("type").textValue()) || !result.isArray()) {
                    continue;
                }
                for (JsonNode item : result) {
                    String name = item.path("tool_name").textValue();
                    if (name != null && "tool_reference".equals(item.path("type").textValue())) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }
}
