package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Claude Code's system messages inside {@code messages} (beta {@code mid-conversation-system}: its agents and skills
 * after the first user turn, a note on the remaining context after tool results), for an Anthropic-compatible endpoint
 * whose chat templates take a system message first only: Qwen 3.5 and later behind Ollama, vLLM, llama.cpp or LM
 * Studio, whose templates refuse any other ("System message must be at the beginning"), so every request failed.
 * They go as {@link ConversationTranslator} sends them to such servers (docs/providers.md,
 * {@code dialect.system_first_only}), in the same tags: one before the conversation joins the system prompt; any other
 * becomes the user's context in {@code <system-reminder>} tags at the end of the user turn before it, or else at the
 * start of the one after it, or else as a user turn of its own. A turn is never rewritten by a later one, so each
 * request's prompt is the prefix of the next one's and the server's prompt cache still holds it.
 */
public final class SystemMessages {
    private SystemMessages() {
    }

    /** Rewrites the Anthropic request's system messages in place; one whose content is not text is left as it came. */
    public static void asUserContext(ObjectNode request) {
        if (!(request.get("messages") instanceof ArrayNode messages)) {
            return;
        }
        for (int m = 0; m < messages.size(); m++) {
            if (!isRole(messages.get(m), "system") || !(messages.get(m) instanceof ObjectNode system)) {
                continue;
            }
            String text = text(system.get("content"));
            if (text == null) {
                continue;
            }
            if (m == 0) {
                toSystemPrompt(request, text);
                messages.remove(m--);
                continue;
            }
            ObjectNode reminder = messages.objectNode().put("type", "text")
                    .put("text", ConversationTranslator.REMINDER_OPEN + text + ConversationTranslator.REMINDER_CLOSE);
            JsonNode marker = lastCacheMarker(system.get("content"));
            if (marker != null) {
                reminder.set("cache_control", marker);
            }
            if (isRole(messages.get(m - 1), "user")) {
                ContentBlocks.asList((ObjectNode) messages.get(m - 1)).add(reminder);
                messages.remove(m--);
            } else if (m + 1 < messages.size() && isRole(messages.get(m + 1), "user")) {
                ContentBlocks.asList((ObjectNode) messages.get(m + 1)).insert(0, reminder);
                messages.remove(m--);
            } else {
                system.put("role", "user");
                system.set("content", messages.arrayNode().add(reminder));
            }
        }
    }

    /** A system message before the conversation: after the system prompt, as Anthropic reads it. */
    private static void toSystemPrompt(ObjectNode request, String text) {
        JsonNode prompt = request.get("system");
        if (prompt instanceof ArrayNode blocks) {
            blocks.addObject().put("type", "text").put("text", text);
        } else if (prompt != null && prompt.isTextual() && !prompt.textValue().isEmpty()) {
            request.put("system", prompt.textValue() + "\n" + text);
        } else {
            request.put("system", text);
        }
    }

    /** A message's content as a string, or its text blocks joined by a newline; null when a block is not text. */
    private static String text(JsonNode content) {
        if (content != null && content.isTextual()) {
            return content.textValue();
        }
        if (!(content instanceof ArrayNode blocks)) {
            return null;
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode block : blocks) {
            if (!"text".equals(block.path("type").asText()) || !block.path("text").isTextual()) {
                return null;
            }
            text.append(text.isEmpty() ? "" : "\n").append(block.path("text").textValue());
        }
        return text.toString();
    }

    /** The cache marker of the content's last block that has one: where the client's breakpoint was, it stays. */
    private static JsonNode lastCacheMarker(JsonNode content) {
        JsonNode marker = null;
        if (content instanceof ArrayNode blocks) {
            for (JsonNode block : blocks) {
                marker = block.has("cache_control") ? block.get("cache_control") : marker;
            }
        }
        return marker;
    }

    private static boolean isRole(JsonNode message, String role) {
        return role.equals(message.path("role").asText());
    }
}
