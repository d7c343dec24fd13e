package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.ContentBlock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The web search an OpenRouter answer was grounded on, read from its {@code url_citation} annotations (in stream
 * deltas or the whole message) and given back as Anthropic's blocks: a {@code server_tool_use} for the search and a
 * {@code web_search_tool_result} listing each page once, in the order first cited. Claude Code's WebSearch tool reads
 * the results' titles and URLs from those blocks.
 *
 * <p>Anthropic's {@code encrypted_content} lets Anthropic re-read a page on a later turn; no such thing exists here
 * (server-tool history is dropped on the way up), so it is empty, and {@code page_age} is unknown.
 */
final class WebSearchResults {
    private final Map<String, String> titlesByUrl = new LinkedHashMap<>();

    /** Notes the pages an {@code annotations} array cites; anything else in it is ignored. */
    void collect(JsonNode annotations) {
        if (annotations == null) {
            return;
        }
        for (JsonNode annotation : annotations) {
            JsonNode citation = annotation.path("url_citation");
            String url = citation.path("url").asText("");
            if ("url_citation".equals(annotation.path("type").asText()) && !url.isEmpty()) {
                String title = citation.path("title").asText("");
                titlesByUrl.putIfAbsent(url, title.isEmpty() ? url : title);
            }
        }
    }

    boolean isEmpty() {
        return titlesByUrl.isEmpty();
    }

    /** The search and its results, as two whole blocks. */
    List<ContentBlock> blocks(String toolUseId, String query, JsonNodeFactory nodes) {
        ObjectNode input = nodes.objectNode().put("query", query);
        ArrayNode results = nodes.arrayNode();
        titlesByUrl.forEach((url, title) -> results.addObject()
                .put("type", "web_search_result")
                .put("url", url)
                .put("title", title)
                .put("encrypted_content", "")
                .putNull("page_age"));
        return List.of(new ContentBlock.ServerToolUse(toolUseId, "web_search", input),
                new ContentBlock.ServerToolResult("web_search_tool_result", toolUseId, results));
    }
}
