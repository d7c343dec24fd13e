package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tool_result} blocks. OpenAI tool messages carry text only, so a result is split into its text (for the tool
 * message) and its images and PDFs (for the user message that follows the tool messages).
 */
final class ToolResultTranslator {
    /** Tool-result text blocks are usually lines of one output (MCP tools return one block per item). */
    private static final String TEXT_SEPARATOR = "\n";

    private final JsonNodeFactory nodes;
    private final CacheMarkers markers;
    private final ContentTranslator content;
    private final ToolCallIdFormat idFormat;

    /**
     * A read {@code tool_result}.
     *
     * @param texts  text parts, {@code Error: } already prefixed for {@code is_error}; they keep their cache markers
     * @param files  image and file parts
     * @param marker the block's own cache marker, or null
     */
    record ToolResult(String toolUseId, List<ObjectNode> texts, List<ObjectNode> files, ObjectNode marker) {
    }

    ToolResultTranslator(JsonNodeFactory nodes, CacheMarkers markers, ContentTranslator content,
                         ToolCallIdFormat idFormat) {
        this.nodes = nodes;
        this.idFormat = idFormat;
        this.markers = markers;
        this.content = content;
    }

    ToolResult read(JsonNode block) {
        String id = idFormat.upstream(ToolCallIds.toUpstream(block.get("tool_use_id").textValue()));
        boolean isError = Fields.flag(block, "is_error");
        ObjectNode marker = markers.markerOf(block);
        List<ObjectNode> texts = new ArrayList<>(1);
        List<ObjectNode> files = new ArrayList<>(0);
        JsonNode result = Fields.optional(block, "content"); // none: an empty result
        if (result != null && result.isTextual()) {
            ContentBlocks.addIfPresent(texts, content.textPart(result, null));
        } else if (result != null) {
            for (JsonNode item : result) {
                item(item, texts, files);
            }
        }
        if (isError) {
            markAsError(texts);
        }
        return new ToolResult(id, texts, files, marker);
    }

    private void item(JsonNode item, List<ObjectNode> texts, List<ObjectNode> files) {
        switch (ContentBlocks.type(item)) {
            case "text" -> ContentBlocks.addIfPresent(texts, content.text(item));
            case "search_result" -> ContentBlocks.addIfPresent(texts, content.searchResult(item));
            case "image" -> files.add(content.image(item));
            case "document" -> {
                List<ObjectNode> parts = new ArrayList<>(1);
                content.document(item, parts);
                for (ObjectNode part : parts) {
                    (part.get("type").textValue().equals("text") ? texts : files).add(part);
                }
            }
            case "tool_reference" -> {
                // Tool search's answer: Anthropic loads the deferred tool's definition. Here the definition joins the
                // functions from this request on (LoadedTools), so the model only needs to know the search found it;
                // a result of references alone would otherwise reach it empty, as if the search had found nothing.
                String name = item.path("tool_name").textValue();
                if (name != null) {
                    ContentBlocks.addIfPresent(texts, content.textPart("Tool loaded: " + name, null));
                }
            }
        }
    }

    /** OpenAI has no {@code is_error}: the model learns it from the text, {@code Error: …}. */
    private void markAsError(List<ObjectNode> texts) {
        if (texts.isEmpty()) {
            texts.add(content.textPart("Error", null));
        } else {
            ObjectNode first = texts.get(0);
            first.put("text", "Error: " + first.get("text").textValue());
        }
    }

    /**
     * The tool message answering a call. Its content is a string unless a cache marker must survive; then it is
     * text parts, the block's own marker on the last one.
     */
    ObjectNode toolMessage(ToolResult result) {
        ObjectNode message = nodes.objectNode().put("role", "tool").put("tool_call_id", result.toolUseId());
        List<ObjectNode> texts = result.texts();
        boolean marked = result.marker() != null && !texts.isEmpty()
                || texts.stream().anyMatch(text -> text.has("cache_control"));
        if (!marked) {
            return message.set("content", ContentBlocks.joinTexts(texts, TEXT_SEPARATOR));
        }
        if (result.marker() != null) {
            texts.get(texts.size() - 1).set("cache_control", result.marker());
        }
        message.putArray("content").addAll(texts);
        return message;
    }

    /** A result that answers no open call, as user text: {@code [tool_result for <id>]: <text>}. */
    ObjectNode orphanText(ToolResult result) {
        String text = ContentBlocks.joinTexts(result.texts(), TEXT_SEPARATOR).textValue();
        return content.textPart("[tool_result for " + result.toolUseId() + "]" + (text.isEmpty() ? "" : ": " + text),
                result.marker());
    }

    /** The result's images and files behind a label naming the call, or nothing. */
    void addAttachments(ToolResult result, List<ObjectNode> attachments) {
        if (!result.files().isEmpty()) {
            attachments.add(content.textPart("Attachments from tool result " + result.toolUseId() + ":", null));
            attachments.addAll(result.files());
        }
    }
}
