package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Anthropic's {@code web_search} server tool (Claude Code's WebSearch sends {@code web_search_20250305}) on the way
 * up. An OpenAI-compatible model cannot run it as a function; OpenRouter runs the search itself with its web plugin,
 * and the answer's {@code url_citation} annotations come back as {@link WebSearchResults}.
 */
public final class WebSearch {
    /** How Claude Code's WebSearch tool words its one user message. */
    private static final String CLAUDE_CODE_PROMPT = "Perform a web search for the query: ";

    private WebSearch() {
    }

    /**
     * Whether OpenRouter runs its web plugin for the model whatever the request says: the {@code :online} variant,
     * "exactly equivalent to" {@code plugins: [{id: "web"}]} (its docs, model variants).
     */
    public static boolean online(String upstreamModel) {
        return upstreamModel.endsWith(":online");
    }

    /** The request's {@code web_search_*} server tool, or null when it has none. */
    public static JsonNode tool(JsonNode request) {
        for (JsonNode tool : request.path("tools")) {
            if (tool.path("type").asText("").startsWith("web_search")) {
                return tool;
            }
        }
        return null;
    }

    /**
     * OpenRouter's web plugin for the tool: {@code allowed_domains} and {@code blocked_domains} become the plugin's
     * {@code include_domains} and {@code exclude_domains}. ({@code max_uses} has no counterpart: the plugin searches
     * once per request.)
     */
    public static ArrayNode plugins(JsonNode tool, JsonNodeFactory nodes) {
        ArrayNode plugins = nodes.arrayNode();
        ObjectNode web = plugins.addObject().put("id", "web");
        copyList(tool, "allowed_domains", web, "include_domains");
        copyList(tool, "blocked_domains", web, "exclude_domains");
        return plugins;
    }

    /**
     * What is searched for, as the {@code server_tool_use} block reports it: the query of Claude Code's WebSearch
     * prompt, else the latest user turn's text.
     */
    public static String query(JsonNode request) {
        JsonNode messages = request.path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if ("user".equals(message.path("role").asText())) {
                String text = text(message.path("content")).strip();
                return text.startsWith(CLAUDE_CODE_PROMPT) ? text.substring(CLAUDE_CODE_PROMPT.length()).strip() : text;
            }
        }
        return "";
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : content) {
            if ("text".equals(block.path("type").asText())) {
                text.append(block.path("text").asText(""));
            }
        }
        return text.toString();
    }

    private static void copyList(JsonNode tool, String from, ObjectNode plugin, String to) {
        JsonNode list = tool.get(from);
        if (list != null && list.isArray() && !list.isEmpty()) {
            plugin.set(to, list.deepCopy());
        }
    }
}
