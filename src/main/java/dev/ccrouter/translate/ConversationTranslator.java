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
 * between an assistant message and its tool messages. For servers whose chat templates take a system message first
 * only ({@link Dialect#systemFirstOnly()}), a mid-conversation system message becomes context in the user's turn
 * beside it instead, in {@code <system-reminder>} tags (Claude Code's own spelling for context that is not the
 * user's words): added to the user message before it, or to the one after it, or standing as a user message of its
 * own where no user message is beside it; the system prompt goes as one text ({@link #leadingSystemAsOneText}).
 * Earlier messages are never rewritten by a later one, so the prompt a turn sends is the prefix of the next turn's,
 * and the server's prompt cache still holds it.
 */
final class ConversationTranslator {
    /** Content of the tool message invented for a call the client never answered. */
    static final String INTERRUPTED = "Tool call was interrupted: no result was recorded.";
    /** How Claude Code's attribution block begins; Anthropic's API removes it before the model sees the prompt. */
    static final String ATTRIBUTION_PREFIX = "x-anthropic-billing-header:";
    /** What encloses a system message given as the user's context, for servers that take system messages first only. */
    static final String REMINDER_OPEN = "<system-reminder>\n";
    static final String REMINDER_CLOSE = "\n</system-reminder>";

    private final JsonNodeFactory nodes;
    private final Dialect dialect;
    private final ContentTranslator content;
    private final AssistantTurnTranslator assistantTurns;
    private final ToolResultTranslator toolResults;
    private final ArrayNode out;
    private final Set<String> openCalls = new LinkedHashSet<>();
    private final List<ObjectNode> heldSystemMessages = new ArrayList<>(0);

    ConversationTranslator(JsonNodeFactory nodes, CacheMarkers markers, ToolNames toolNames,
                           Dialect dialect, ModelCapabilities caps) {
        this.nodes = nodes;
        this.dialect = dialect;
        this.content = new ContentTranslator(nodes, markers, caps.imageInput(), caps.pdfInput());
        this.assistantTurns = new AssistantTurnTranslator(nodes, content, toolNames, dialect.reasoningReplay(), caps.toolCallIds());
        this.toolResults = new ToolResultTranslator(nodes, markers, content, caps.toolCallIds());
        this.out = nodes.arrayNode();
    }

    /** Translates the top-level {@code system} (may be null) and the conversation, as the shape has checked them. */
    ArrayNode translate(JsonNode system, JsonNode messages) {
        if (system != null) {
            systemPrompt(system);
        }
        for (int i = 0, end; i < messages.size(); i = end) {
            end = endOfTurn(messages, i);
            message(end - i == 1 ? messages.get(i) : joined(messages, i, end));
        }
        answerOpenCalls();
        if (dialect.systemFirstOnly()) {
            leadingSystemAsOneText();
        }
        return out;
    }

    /**
     * Where system messages are taken first only, the leading one goes as one text, its parts joined by a newline
     * (as vLLM joins them), unless a part carries a cache marker. Ollama makes each text part of a message a message
     * of its own, so a system prompt of two blocks (Claude Code's always is) reached the template as two system
     * messages, and the second was refused as not at the beginning.
     */
    private void leadingSystemAsOneText() {
        if (out.isEmpty() || !isRole(out.get(0), "system")
                || !(out.get(0).get("content") instanceof ArrayNode parts) || parts.size() < 2) {
            return;
        }
        String text = oneText(parts);
        if (text != null) {
            ((ObjectNode) out.get(0)).put("content", text);
        }
    }

    /** Text parts joined by a newline, or null when a part is no text or carries a cache marker, which joining loses. */
    private static String oneText(ArrayNode parts) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : parts) {
            if (!"text".equals(part.path("type").asText()) || part.has("cache_control")) {
                return null;
            }
            text.append(text.isEmpty() ? "" : "\n").append(part.path("text").asText());
        }
        return text.toString();
    }

    /**
     * Where the turn that begins at {@code first} ends: Anthropic's API takes consecutive user (or assistant)
     * messages as one turn, so tool results split over two user messages still answer the calls before them, and
     * calls split over two assistant messages are still one message with its results after it. System messages stand
     * alone.
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
        String role = message.get("role").textValue();
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
     * The top-level system prompt as the first message. Claude Code's attribution block is left out, as Anthropic's
     * own API leaves it out: it is billing metadata, not instructions, and it sits at the very start of the prompt,
     * where any change to it (clients before 2.1.181 changed it every request) would make every prompt-cache
     * lookup miss, on every provider. Dropping it makes the cached prefix independent of the client's version.
     */
    private void systemPrompt(JsonNode system) {
        List<ObjectNode> parts = new ArrayList<>();
        if (system.isTextual()) {
            ContentBlocks.addIfPresent(parts, content.textPart(system, null));
        } else {
            textBlocks(system, parts, true);
        }
        if (!parts.isEmpty()) {
            out.add(message("system", parts));
        }
    }

    private void message(JsonNode message) {
        JsonNode body = message.get("content");
        switch (message.get("role").textValue()) {
            case "user" -> user(body);
            case "assistant" -> assistant(body);
            default -> midConversationSystem(body);
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
        if (dialect.systemFirstOnly()) {
            if (out.isEmpty() || out.size() == 1 && isRole(out.get(0), "system")) {
                leadingSystem(system); // before the conversation: still the first message
                return;
            }
            system = asUserContext(system);
        }
        if (openCalls.isEmpty()) {
            addAfterToolMessages(system);
        } else {
            heldSystemMessages.add(system);
        }
    }

    /** A system message before any conversation message, into the leading system message (which it may begin). */
    private void leadingSystem(ObjectNode system) {
        if (out.isEmpty()) {
            out.add(system);
            return;
        }
        ContentBlocks.asList((ObjectNode) out.get(0)).addAll(ContentBlocks.asList(system));
    }

    /**
     * A system message as the user's context, in reminder tags, in a user message: one text part, since Ollama makes
     * each part a message of its own and the tags would stand apart from what they enclose; the same parts between
     * the tags' own when one carries a cache marker.
     */
    private ObjectNode asUserContext(ObjectNode system) {
        ArrayNode parts = nodes.arrayNode();
        String text = oneText(ContentBlocks.asList(system));
        if (text != null) {
            parts.addObject().put("type", "text").put("text", REMINDER_OPEN + text + REMINDER_CLOSE);
        } else {
            parts.addObject().put("type", "text").put("text", REMINDER_OPEN);
            parts.addAll(ContentBlocks.asList(system));
            parts.addObject().put("type", "text").put("text", REMINDER_CLOSE);
        }
        ObjectNode user = nodes.objectNode().put("role", "user");
        user.set("content", parts);
        return user;
    }

    /**
     * Adds a user or system message where tool messages may come before it. Where system messages are taken first
     * only, user messages never follow each other: a user message after a user message (one of them context that was
     * a system message) joins it, as Anthropic joins consecutive user turns.
     */
    private void addAfterToolMessages(ObjectNode message) {
        if (dialect.systemFirstOnly() && isRole(message, "user") && !out.isEmpty()
                && isRole(out.get(out.size() - 1), "user")) {
            ContentBlocks.asList((ObjectNode) out.get(out.size() - 1)).addAll(ContentBlocks.asList(message));
            return;
        }
        bridgeAfterToolMessages();
        out.add(message);
    }

    private static boolean isRole(JsonNode message, String role) {
        return role.equals(message.path("role").asText());
    }

    /** Text blocks, the only kind a system prompt or system message holds. */
    private void textBlocks(JsonNode blocks, List<ObjectNode> parts, boolean dropAttribution) {
        for (JsonNode block : blocks) {
            ObjectNode part = content.text(block);
            if (dropAttribution && part != null && Fields.startsWith(part.path("text"), ATTRIBUTION_PREFIX)) {
                continue;
            }
            ContentBlocks.addIfPresent(parts, part);
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
                addAfterToolMessages(nodes.objectNode().put("role", "user").set("content", body));
            }
            return;
        }
        List<ObjectNode> parts = new ArrayList<>();
        List<ObjectNode> attachments = new ArrayList<>(0);
        for (JsonNode block : body) {
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
                default -> { } // server-tool history, which the upstream can neither express nor run again
            }
        }
        answerOpenCalls();
        attachments.addAll(parts);
        if (!attachments.isEmpty()) {
            addAfterToolMessages(message("user", attachments));
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
            heldSystemMessages.forEach(this::addAfterToolMessages);
            heldSystemMessages.clear();
        }
    }

    private ObjectNode message(String role, List<ObjectNode> parts) {
        ObjectNode message = nodes.objectNode().put("role", role);
        message.putArray("content").addAll(parts);
        return message;
    }
}
