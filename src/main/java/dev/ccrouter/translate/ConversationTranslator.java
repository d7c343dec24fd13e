package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The system prompt and {@code messages} of one request as OpenAI chat messages, in one pass.
 *
 * <p>OpenAI demands that an assistant message with {@code tool_calls} is followed directly by one {@code role:"tool"}
 * message per call; Anthropic pairs {@code tool_use} with {@code tool_result} blocks of the next user turn, mixed with
 * other content. So the translator keeps the calls of the last assistant message open, answers them from the next
 * user turn, and repairs what does not pair (see {@link MessagesRequestTranslator} for the policy). Mid-conversation
 * system messages that arrive while calls are open are held back until the calls are answered, so they cannot come
 * between an assistant message and its tool messages.
 */
final class ConversationTranslator {
    /** Content of the tool message invented for a call the client never answered. */
    static final String INTERRUPTED = "Tool call was interrupted: no result was recorded.";

    static final String KNOWN_BLOCK_TYPES = Fields.oneOf(
            "text", "image", "document", "search_result", "tool_use", "tool_result", "thinking", "redacted_thinking");

    private static final String REASONING_FORMAT = "anthropic-claude-v1";

    private final JsonNodeFactory nodes;
    private final CacheMarkers markers;
    private final ContentTranslator content;
    private final ToolNames toolNames;
    private final ArrayNode out;
    private final Set<String> openCalls = new LinkedHashSet<>();
    private final List<ObjectNode> heldSystemMessages = new ArrayList<>(0);

    ConversationTranslator(JsonNodeFactory nodes, CacheMarkers markers, ToolNames toolNames) {
        this.nodes = nodes;
        this.markers = markers;
        this.content = new ContentTranslator(nodes, markers);
        this.toolNames = toolNames;
        this.out = nodes.arrayNode();
    }

    /** Translates the top-level {@code system} (may be null) and the conversation. */
    ArrayNode translate(JsonNode system, JsonNode messages) {
        if (system != null) {
            try {
                systemPrompt(system);
            } catch (FieldProblem problem) {
                throw problem.under("system");
            }
        }
        for (int i = 0; i < messages.size(); i++) {
            try {
                message(messages.get(i));
            } catch (FieldProblem problem) {
                throw problem.under(i).under("messages");
            }
        }
        answerOpenCalls();
        return out;
    }

    /** The validated {@code type} of a content block. */
    static String blockType(JsonNode block) {
        if (!block.isObject()) {
            throw FieldProblem.here(Fields.NOT_OBJECT);
        }
        return Fields.requiredString(block, "type");
    }

    /**
     * Blocks recording Anthropic server-side tool runs (web search, code execution, MCP connector, …). An
     * OpenAI-compatible upstream cannot express or re-run them, so they are left out of the history.
     */
    static boolean isServerToolHistory(String type) {
        return type.equals("server_tool_use") || type.equals("mcp_tool_use") || type.equals("mcp_tool_result")
                || type.equals("container_upload") || type.endsWith("_tool_result");
    }

    private void systemPrompt(JsonNode system) {
        List<ObjectNode> parts = new ArrayList<>();
        if (system.isTextual()) {
            addIfPresent(parts, content.textPart(system.textValue(), null));
        } else if (system.isArray()) {
            textBlocks(system, parts);
        } else {
            throw FieldProblem.here(Fields.NOT_STRING_OR_LIST);
        }
        if (!parts.isEmpty()) {
            out.add(message("system", parts));
        }
    }

    private void message(JsonNode message) {
        if (!message.isObject()) {
            throw FieldProblem.here(Fields.NOT_OBJECT);
        }
        String role = Fields.requiredString(message, "role");
        if (!role.equals("user") && !role.equals("assistant") && !role.equals("system")) {
            throw FieldProblem.at("role", Fields.oneOf("user", "assistant", "system"));
        }
        JsonNode body = Fields.required(message, "content");
        if (!body.isTextual() && !body.isArray()) {
            throw FieldProblem.at("content", Fields.NOT_STRING_OR_LIST);
        }
        try {
            switch (role) {
                case "user" -> user(body);
                case "assistant" -> assistant(body);
                default -> midConversationSystem(body);
            }
        } catch (FieldProblem problem) {
            throw problem.under("content");
        }
    }

    // ---- system -------------------------------------------------------------------------------------------------

    private void midConversationSystem(JsonNode body) {
        ObjectNode system;
        if (body.isTextual()) {
            if (body.textValue().isEmpty()) {
                return;
            }
            system = nodes.objectNode().put("role", "system").put("content", body.textValue());
        } else {
            List<ObjectNode> parts = new ArrayList<>();
            textBlocks(body, parts);
            if (parts.isEmpty()) {
                return;
            }
            system = message("system", parts);
        }
        if (openCalls.isEmpty()) {
            out.add(system);
        } else {
            heldSystemMessages.add(system);
        }
    }

    private void textBlocks(JsonNode blocks, List<ObjectNode> parts) {
        for (int i = 0; i < blocks.size(); i++) {
            try {
                JsonNode block = blocks.get(i);
                if (!"text".equals(blockType(block))) {
                    throw FieldProblem.at("type", Fields.oneOf("text"));
                }
                addIfPresent(parts, content.text(block));
            } catch (FieldProblem problem) {
                throw problem.under(i);
            }
        }
    }

    // ---- assistant ----------------------------------------------------------------------------------------------

    private void assistant(JsonNode body) {
        answerOpenCalls();
        if (body.isTextual()) {
            if (!body.textValue().isEmpty()) {
                out.add(nodes.objectNode().put("role", "assistant").put("content", body.textValue()));
            }
            return;
        }
        List<ObjectNode> texts = new ArrayList<>();
        boolean marked = false;
        ArrayNode toolCalls = null;
        ArrayNode reasoning = null;
        Set<String> seenReasoning = null;
        for (int i = 0; i < body.size(); i++) {
            try {
                JsonNode block = body.get(i);
                String type = blockType(block);
                switch (type) {
                    case "text" -> {
                        ObjectNode part = content.text(block);
                        if (part != null) {
                            texts.add(part);
                            marked |= part.has("cache_control");
                        }
                    }
                    case "tool_use" -> {
                        if (toolCalls == null) {
                            toolCalls = nodes.arrayNode();
                        }
                        toolCalls.add(toolCall(block));
                    }
                    case "thinking", "redacted_thinking" -> {
                        ObjectNode detail = reasoningDetail(type, block);
                        if (detail == null) {
                            break;
                        }
                        if (reasoning == null) {
                            reasoning = nodes.arrayNode();
                            seenReasoning = new HashSet<>();
                        }
                        String identity = type.equals("thinking")
                                ? "t" + detail.get("signature").textValue() + "\u0000" + detail.get("text").textValue()
                                : "r" + detail.get("data").textValue();
                        if (seenReasoning.add(identity)) {
                            reasoning.add(detail.put("index", reasoning.size()));
                        }
                    }
                    case "image", "document", "search_result", "tool_result" -> throw FieldProblem.at("type",
                            "'" + type + "' blocks are only allowed in user messages");
                    default -> {
                        if (!isServerToolHistory(type)) {
                            throw FieldProblem.at("type", KNOWN_BLOCK_TYPES);
                        }
                    }
                }
            } catch (FieldProblem problem) {
                throw problem.under(i);
            }
        }
        if (texts.isEmpty() && toolCalls == null) {
            // Nothing the upstream could replay: a turn that was only thinking (Anthropic ignores thinking outside
            // the current tool loop anyway) or only empty text.
            return;
        }
        ObjectNode message = nodes.objectNode().put("role", "assistant");
        if (texts.isEmpty()) {
            message.putNull("content");
        } else if (marked) {
            message.putArray("content").addAll(texts);
        } else {
            message.put("content", joinTexts(texts, "\n\n"));
        }
        if (toolCalls != null) {
            message.set("tool_calls", toolCalls);
        }
        if (reasoning != null) {
            message.set("reasoning_details", reasoning);
        }
        out.add(message);
    }

    private ObjectNode toolCall(JsonNode block) {
        String id = Fields.requiredString(block, "id");
        String name = Fields.requiredString(block, "name");
        JsonNode input = Fields.requiredObject(block, "input");
        openCalls.add(id);
        ObjectNode call = nodes.objectNode().put("id", id).put("type", "function");
        // JsonNode.toString() is compact JSON whatever the injected mapper's pretty-printing says.
        call.putObject("function").put("name", toolNames.upstream(name)).put("arguments", input.toString());
        return call;
    }

    /** A thinking block as OpenRouter reasoning detail, or null for an unsigned one (the upstream would reject it). */
    private ObjectNode reasoningDetail(String type, JsonNode block) {
        ObjectNode detail = nodes.objectNode();
        if (type.equals("thinking")) {
            String text = Fields.requiredString(block, "thinking");
            String signature = Fields.optionalString(block, "signature");
            if (signature == null || signature.isEmpty()) {
                return null;
            }
            detail.put("type", "reasoning.text").put("text", text).put("signature", signature);
        } else {
            detail.put("type", "reasoning.encrypted").put("data", Fields.requiredString(block, "data"));
        }
        return detail.put("format", REASONING_FORMAT);
    }

    // ---- user ---------------------------------------------------------------------------------------------------

    private void user(JsonNode body) {
        if (body.isTextual()) {
            answerOpenCalls();
            if (!body.textValue().isEmpty()) {
                out.add(nodes.objectNode().put("role", "user").put("content", body.textValue()));
            }
            return;
        }
        List<ObjectNode> parts = new ArrayList<>();
        List<ObjectNode> attachments = new ArrayList<>(0);
        for (int i = 0; i < body.size(); i++) {
            try {
                JsonNode block = body.get(i);
                String type = blockType(block);
                switch (type) {
                    case "text", "image", "document", "search_result" -> content.userBlock(type, block, parts);
                    case "tool_result" -> toolResult(block, parts, attachments);
                    case "tool_use", "thinking", "redacted_thinking" -> throw FieldProblem.at("type",
                            "'" + type + "' blocks are only allowed in assistant messages");
                    default -> {
                        if (!isServerToolHistory(type)) {
                            throw FieldProblem.at("type", KNOWN_BLOCK_TYPES);
                        }
                    }
                }
            } catch (FieldProblem problem) {
                throw problem.under(i);
            }
        }
        answerOpenCalls();
        if (!attachments.isEmpty()) {
            attachments.addAll(parts);
            parts = attachments;
        }
        if (!parts.isEmpty()) {
            out.add(message("user", parts));
        }
    }

    /**
     * One {@code tool_result} block: a tool message when it answers an open call, otherwise (an orphan) a text part
     * of the user message. Images and PDFs inside it go to {@code attachments}, behind a label naming the call,
     * because tool messages carry text only.
     */
    private void toolResult(JsonNode block, List<ObjectNode> userParts, List<ObjectNode> attachments) {
        String id = Fields.requiredString(block, "tool_use_id");
        boolean isError = Fields.optionalBoolean(block, "is_error");
        ObjectNode blockMarker = markers.markerOf(block);
        List<ObjectNode> texts = new ArrayList<>(1);
        List<ObjectNode> files = new ArrayList<>(0);
        JsonNode result = Fields.optional(block, "content");
        if (result == null) {
            // no content: an empty result
        } else if (result.isTextual()) {
            addIfPresent(texts, content.textPart(result.textValue(), null));
        } else if (result.isArray()) {
            for (int i = 0; i < result.size(); i++) {
                try {
                    resultItem(result.get(i), texts, files);
                } catch (FieldProblem problem) {
                    throw problem.under(i).under("content");
                }
            }
        } else {
            throw FieldProblem.at("content", Fields.NOT_STRING_OR_LIST);
        }
        if (isError) {
            markAsError(texts);
        }
        if (openCalls.remove(id)) {
            out.add(toolMessage(id, texts, blockMarker));
        } else {
            String text = joinTexts(texts, "\n");
            addIfPresent(userParts, content.textPart(
                    "[tool_result for " + id + "]" + (text.isEmpty() ? "" : ": " + text), blockMarker));
        }
        if (!files.isEmpty()) {
            attachments.add(content.textPart("Attachments from tool result " + id + ":", null));
            attachments.addAll(files);
        }
    }

    private void resultItem(JsonNode item, List<ObjectNode> texts, List<ObjectNode> files) {
        String type = blockType(item);
        switch (type) {
            case "text" -> addIfPresent(texts, content.text(item));
            case "search_result" -> addIfPresent(texts, content.searchResult(item));
            case "image" -> files.add(content.image(item));
            case "document" -> {
                List<ObjectNode> parts = new ArrayList<>(1);
                content.document(item, parts);
                for (ObjectNode part : parts) {
                    (part.get("type").textValue().equals("text") ? texts : files).add(part);
                }
            }
            case "tool_reference" -> {
                // tool search: tells Anthropic to load a deferred tool definition; nothing to forward
            }
            default -> throw FieldProblem.at("type",
                    Fields.oneOf("text", "image", "document", "search_result", "tool_reference"));
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
     * A tool message. Its content is a string unless a cache marker must survive; then it is text parts, the
     * block's own marker on the last one.
     */
    private ObjectNode toolMessage(String id, List<ObjectNode> texts, ObjectNode blockMarker) {
        ObjectNode message = nodes.objectNode().put("role", "tool").put("tool_call_id", id);
        boolean marked = blockMarker != null && !texts.isEmpty();
        for (ObjectNode text : texts) {
            marked |= text.has("cache_control");
        }
        if (marked) {
            if (blockMarker != null) {
                texts.get(texts.size() - 1).set("cache_control", blockMarker);
            }
            message.putArray("content").addAll(texts);
        } else {
            message.put("content", joinTexts(texts, "\n"));
        }
        return message;
    }

    /** Gives every call still open a tool message, then releases the system messages held back behind them. */
    private void answerOpenCalls() {
        for (String id : openCalls) {
            out.add(nodes.objectNode().put("role", "tool").put("tool_call_id", id).put("content", INTERRUPTED));
        }
        openCalls.clear();
        if (!heldSystemMessages.isEmpty()) {
            out.addAll(heldSystemMessages);
            heldSystemMessages.clear();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private ObjectNode message(String role, List<ObjectNode> parts) {
        ObjectNode message = nodes.objectNode().put("role", role);
        message.putArray("content").addAll(parts);
        return message;
    }

    private static String joinTexts(List<ObjectNode> parts, String separator) {
        if (parts.size() == 1) {
            return parts.get(0).get("text").textValue();
        }
        StringBuilder joined = new StringBuilder();
        for (ObjectNode part : parts) {
            if (!joined.isEmpty()) {
                joined.append(separator);
            }
            joined.append(part.get("text").textValue());
        }
        return joined.toString();
    }

    private static void addIfPresent(List<ObjectNode> sink, ObjectNode part) {
        if (part != null) {
            sink.add(part);
        }
    }
}
