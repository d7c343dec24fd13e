package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;

/** What every block reader needs: a block's type, the block-type policy, and joining text parts. */
final class ContentBlocks {
    /** The error for a block type the gateway does not know. */
    static final String UNKNOWN_TYPE = Fields.oneOf(
            "text", "image", "document", "search_result", "tool_use", "tool_result", "thinking", "redacted_thinking");

    private ContentBlocks() {
    }

    /** The {@code type} of a content block {@link MessagesRequestShape} has checked. */
    static String type(JsonNode block) {
        return block.get("type").textValue();
    }

    /**
     * Blocks recording Anthropic server-side tool runs (web search, code execution, MCP connector, …). An
     * OpenAI-compatible upstream can neither express nor re-run them, so they are left out of the history.
     */
    static boolean isServerToolHistory(String type) {
        return type.equals("server_tool_use") || type.equals("mcp_tool_use") || type.equals("mcp_tool_result")
                || type.equals("container_upload") || type.endsWith("_tool_result");
    }

    /**
     * A message's content as a list of blocks, for adding to it: a string content becomes one text block, in place
     * (Anthropic's and OpenAI's messages spell a text part alike).
     */
    static ArrayNode asList(ObjectNode message) {
        if (message.get("content") instanceof ArrayNode blocks) {
            return blocks;
        }
        ArrayNode blocks = message.arrayNode();
        blocks.addObject().put("type", "text").set("text", message.get("content"));
        message.set("content", blocks);
        return blocks;
    }

    /** The texts of text parts, joined by {@code separator}: a single part's own string node, passed on as it is. */
    static JsonNode joinTexts(List<ObjectNode> textParts, String separator) {
        if (textParts.size() == 1) {
            return textParts.get(0).get("text");
        }
        StringBuilder joined = new StringBuilder();
        for (ObjectNode part : textParts) {
            if (!joined.isEmpty()) {
                joined.append(separator);
            }
            joined.append(part.get("text").textValue());
        }
        return TextNode.valueOf(joined.toString());
    }

    static void addIfPresent(List<ObjectNode> sink, ObjectNode part) {
        if (part != null) {
            sink.add(part);
        }
    }
}
