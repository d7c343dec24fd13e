package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The system prompt and {@code messages} of one request as OpenAI chat messages, in one pass.
 *
 * <p>OpenAI demands that an assistant message with {@code tool_calls} is followed directly by one {@code role:"tool"}
 * message per call; Anthropic pairs {@code tool_use} with {@code tool_result} blocks of the next user turn, mixed with
 * other content. So this translator keeps the calls of the last assistant message open, answers them from the next
 * user turn, and repairs what does not pair (policy in {@link MessagesRequestTranslator}). Mid-conversation system
 * messages that arrive while calls are open are held back until the calls are answered, so they cannot come
 * between an assistant message and its tool messages.
 */
final class ConversationTranslator {
    /** Content of the tool message invented for a call the client never answered. */
    static final String INTERRUPTED = "Tool call was interrupted: no result was recorded.";
    /** How Claude Code's attribution block begins; Anthropic's API removes it before the model sees the prompt. */
    static final String ATTRIBUTION_PREFIX = "x-anthropic-billing-header:";

    private final JsonNodeFactory nodes;
    private final CacheMarkers markers;
    private final ToolNames toolNames;
    private final Dialect dialect;
    private final ModelCapabilities caps;
    private final ContentTranslator content;
    private final AssistantTurnTranslator assistantTurns;
    private final ToolResultTranslator toolResults;
    private final ArrayNode out;
    private final Set<String> openCalls = new LinkedHashSet<>();
    private final List<ObjectNode> heldSystemMessages = new ArrayList<>(0);

    ConversationTranslator(JsonNodeFactory nodes, CacheMarkers markers, ToolNames toolNames,
                           Dialect dialect, ModelCapabilities caps) {
        this.nodes = nodes;
        this.markers = markers;
        this.toolNames = toolNames;
        this.dialect = dialect;
        this.caps = caps;
        this.content = new ContentTranslator(nodes, markers, caps.imageInput(), caps.pdfInput());
        this.assistantTurns = new AssistantTurnTranslator(nodes, content, toolNames, dialect.reasoningReplay(), caps.toolCallIds());
        this.toolResults = new ToolResultTranslator(nodes, markers, content, caps.toolCallIds());
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
        for (int i = 0, end; i < messages.size(); i = end) {
            end = endOfTurn(messages, i);
            try {
                message(end - i == 1 ? messages.get(i) : joined(messages, i, end));
            } catch (FieldProblem problem) {
                throw (end - i == 1 ? problem.under(i) : whereIn(messages, i, end, problem)).under("messages");
            }
        }
        answerOpenCalls();
        return out;
    }

    /**
     * Where the turn that begins at {@code first} ends: Anthropic's API takes consecutive user (or assistant)
     * messages as one turn, so tool results split over two user messages still answer the calls before them, and
     * calls split over two assistant messages are still one message with its results after it. Only well-formed
     * messages join a turn; any other stands alone, to be refused with its own index.
     */
    private static int endOfTurn(JsonNode messages, int first) {
        String role = joinableRole(messages.get(first));
        int end = first + 1;
        while (role != null && end < messages.size() && role.equals(joinableRole(messages.get(end)))) {
            end++;
        }
        return end;
    }

    private static String joinableRole(JsonNode message) {
        if (message == null || !message.isObject() || !(message.get("content") instanceof JsonNode body)
                || !body.isTextual() && !body.isArray()) {
            return null;
        }
        String role = message.path("role").asText();
        return role.equals("user") || role.equals("assistant") ? role : null;
    }

    /** Consecutive messages of one role as one: their content blocks in order, a string content as a text block. */
    private ObjectNode joined(JsonNode messages, int first, int end) {
        ArrayNode blocks = nodes.arrayNode();
        for (int i = first; i < end; i++) {
            JsonNode body = messages.get(i).get("content");
            if (body.isTextual()) {
                blocks.addObject().put("type", "text").set("text", body);
            } else {
                blocks.addAll((ArrayNode) body);
            }
        }
        ObjectNode turn = nodes.objectNode().put("role", messages.get(first).get("role").asText());
        turn.set("content", blocks);
        return turn;
    }

    /**
     * The problem a joined turn met, at the message and block it came from: each of the turn's messages is read again
     * alone (by a translator of its own, whose output is thrown away) until one meets it.
     */
    private FieldProblem whereIn(JsonNode messages, int first, int end, FieldProblem joinedProblem) {
        ConversationTranslator alone = new ConversationTranslator(nodes, markers, toolNames, dialect, caps);
        for (int i = first; i < end; i++) {
            try {
                alone.message(messages.get(i));
            } catch (FieldProblem problem) {
                return problem.under(i);
            }
        }
        return joinedProblem.under(first);
    }

    /**
     * The top-level system prompt as the first message. Claude Code's attribution block is left out, as Anthropic's
     * own API leaves it out: it is billing metadata, not instructions, and it sits at the very start of the prompt,
     * where any change to it (clients before 2.1.181 changed it every request) would make every prompt-cache
     * lookup miss, on every provider. Dropping it makes the cached prefix independent of the client's version.
     */
    private void systemPrompt(JsonNode system) {
        List<ObjectNode> parts = new ArrayList<>();
        if (system.isTextual()) {
            ContentBlocks.addIfPresent(parts, content.textPart(system, null));
        } else if (system.isArray()) {
            textBlocks(system, parts, true);
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

    private void assistant(JsonNode body) {
        answerOpenCalls();
        ObjectNode message = assistantTurns.translate(body);
        if (message == null) {
            return;
        }
        out.add(message);
        for (JsonNode call : message.path("tool_calls")) {
            openCalls.add(call.get("id").textValue());
        }
    }

    private void midConversationSystem(JsonNode body) {
        ObjectNode system;
        if (body.isTextual()) {
            if (Fields.isEmptyText(body)) {
                return;
            }
            system = nodes.objectNode().put("role", "system").set("content", body);
        } else {
            List<ObjectNode> parts = new ArrayList<>();
            textBlocks(body, parts, false);
            if (parts.isEmpty()) {
                return;
            }
            system = message("system", parts);
        }
        if (openCalls.isEmpty()) {
            bridgeAfterToolMessages();
            out.add(system);
        } else {
            heldSystemMessages.add(system);
        }
    }

    private void textBlocks(JsonNode blocks, List<ObjectNode> parts, boolean dropAttribution) {
        for (int i = 0; i < blocks.size(); i++) {
            try {
                JsonNode block = blocks.get(i);
                if (!"text".equals(ContentBlocks.type(block))) {
                    throw FieldProblem.at("type", Fields.oneOf("text"));
                }
                ObjectNode part = content.text(block);
                if (dropAttribution && part != null && Fields.startsWith(part.path("text"), ATTRIBUTION_PREFIX)) {
                    continue;
                }
                ContentBlocks.addIfPresent(parts, part);
            } catch (FieldProblem problem) {
                throw problem.under(i);
            }
        }
    }

    /**
     * A user turn: its tool results answer the open calls (tool messages, emitted at once), the rest becomes one
     * user message after them, led by the attachments of the tool results.
     */
    private void user(JsonNode body) {
        if (body.isTextual()) {
            answerOpenCalls();
            if (!Fields.isEmptyText(body)) {
                bridgeAfterToolMessages();
                out.add(nodes.objectNode().put("role", "user").set("content", body));
            }
            return;
        }
        List<ObjectNode> parts = new ArrayList<>();
        List<ObjectNode> attachments = new ArrayList<>(0);
        for (int i = 0; i < body.size(); i++) {
            try {
                JsonNode block = body.get(i);
                String type = ContentBlocks.type(block);
                switch (type) {
                    case "text", "image", "document", "search_result" -> content.userBlock(type, block, parts);
                    case "tool_result" -> {
                        ToolResultTranslator.ToolResult result = toolResults.read(block);
                        if (openCalls.remove(result.toolUseId())) {
                            out.add(toolResults.toolMessage(result));
                        } else {
                            ContentBlocks.addIfPresent(parts, toolResults.orphanText(result));
                        }
                        toolResults.addAttachments(result, attachments);
                    }
                    case "tool_use", "thinking", "redacted_thinking" -> throw FieldProblem.at("type",
                            "'" + type + "' blocks are only allowed in assistant messages");
                    default -> {
                        if (!ContentBlocks.isServerToolHistory(type)) {
                            throw FieldProblem.at("type", ContentBlocks.UNKNOWN_TYPE);
                        }
                    }
                }
            } catch (FieldProblem problem) {
                throw problem.under(i);
            }
        }
        answerOpenCalls();
        attachments.addAll(parts);
        if (!attachments.isEmpty()) {
            bridgeAfterToolMessages();
            out.add(message("user", attachments));
        }
    }

    /**
     * For a provider that takes no user message right after tool messages (Mistral: 400 "Unexpected role 'user' after
     * role 'tool'"), an empty assistant message between them, which says nothing the conversation did not. Mistral
     * lets only an assistant or another tool message follow a tool message, so a system message needs it too.
     */
    private void bridgeAfterToolMessages() {
        if (dialect.assistantAfterToolResults() && !out.isEmpty()
                && "tool".equals(out.get(out.size() - 1).path("role").asText())) {
            out.add(nodes.objectNode().put("role", "assistant").put("content", ""));
        }
    }

    /** Gives every call still open a tool message, then releases the system messages held back behind them. */
    private void answerOpenCalls() {
        for (String id : openCalls) {
            out.add(nodes.objectNode().put("role", "tool").put("tool_call_id", id).put("content", INTERRUPTED));
        }
        openCalls.clear();
        if (!heldSystemMessages.isEmpty()) {
            bridgeAfterToolMessages();
            out.addAll(heldSystemMessages);
            heldSystemMessages.clear();
        }
    }

    private ObjectNode message(String role, List<ObjectNode> parts) {
        ObjectNode message = nodes.objectNode().put("role", role);
        message.putArray("content").addAll(parts);
        return message;
    }
}
