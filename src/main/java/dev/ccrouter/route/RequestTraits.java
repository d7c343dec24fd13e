package dev.ccrouter.route;

import com.fasterxml.jackson.databind.JsonNode;

/** What routing reads from a Messages body, tolerantly: the request is validated later, by the translator. */
final class RequestTraits {
    private RequestTraits() {
    }

    /** A server tool of the {@code web_search_*} family (Claude Code's WebSearch). */
    static boolean hasWebSearch(JsonNode request) {
        for (JsonNode tool : request.path("tools")) {
            if (tool.path("type").asText("").startsWith("web_search")) {
                return true;
            }
        }
        return false;
    }

    /** Thinking explicitly requested with a token budget ({@code type: enabled}). */
    static boolean thinksWithBudget(JsonNode request) {
        JsonNode thinking = request.path("thinking");
        return "enabled".equals(thinking.path("type").asText()) && thinking.path("budget_tokens").asLong(0) > 0;
    }

    /**
     * The latest user turn holds an image, directly or inside a tool result. A turn is every user message since the
     * last other one: consecutive user messages are one turn, as the translation takes them.
     */
    static boolean latestUserTurnHasImage(JsonNode request) {
        JsonNode messages = request.path("messages");
        if (!messages.isArray()) { // not a request the translator will take: it says why, as a 400
            return false;
        }
        int last = messages.size() - 1;
        while (last >= 0 && !"user".equals(messages.get(last).path("role").asText())) {
            last--;
        }
        for (int i = last; i >= 0 && "user".equals(messages.get(i).path("role").asText()); i--) {
            if (containsImage(messages.get(i).path("content"))) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsImage(JsonNode blocks) {
        for (JsonNode block : blocks) {
            String type = block.path("type").asText();
            if (type.equals("image") || type.equals("tool_result") && containsImage(block.path("content"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the system prompt's text, or one of its blocks' texts, holds {@code needle}. Claude Code's system prompt is
     * ≈ 12 KB in three blocks: asking each block spares joining them for every request, when {@code needle} holds no
     * line break and so cannot span the line break {@link #systemText} joins them with.
     */
    static boolean systemHolds(JsonNode request, String needle) {
        JsonNode system = request.path("system");
        if (system.isTextual()) {
            return system.asText().contains(needle);
        }
        for (JsonNode block : system) {
            if (block.path("text").asText("").contains(needle)) {
                return true;
            }
        }
        return false;
    }

    /** The system prompt's text, joined; empty when there is none. */
    static String systemText(JsonNode request) {
        JsonNode system = request.path("system");
        if (system.isTextual()) {
            return system.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : system) {
            text.append(block.path("text").asText("")).append('\n');
        }
        return text.toString();
    }
}
