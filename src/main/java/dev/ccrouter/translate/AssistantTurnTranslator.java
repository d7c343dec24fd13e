package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.JsonTrees;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;

/**
 * One Anthropic assistant turn as one OpenAI assistant message: its texts as {@code content}, its {@code tool_use}
 * blocks as {@code tool_calls}, its thinking as the provider's dialect replays it: signed thinking as OpenRouter
 * {@code reasoning_details} in original order, or all thinking text as {@code reasoning_content}.
 */
final class AssistantTurnTranslator {
    private static final String REASONING_FORMAT = "anthropic-claude-v1";
    /** Gemini's documented value for tool calls whose signature is unknown (ai.google.dev thought-signatures). */
    static final String SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";
    /** Separate text blocks were separate paragraphs to the model; a blank line keeps them apart. */
    private static final String TEXT_SEPARATOR = "\n\n";

    private final JsonNodeFactory nodes;
    private final ContentTranslator content;
    private final ToolNames toolNames;
    private final Dialect.ReasoningReplay replay;
    private final ToolCallIdFormat idFormat;

    AssistantTurnTranslator(JsonNodeFactory nodes, ContentTranslator content, ToolNames toolNames,
                            Dialect.ReasoningReplay replay, ToolCallIdFormat idFormat) {
        this.idFormat = idFormat;
        this.nodes = nodes;
        this.content = content;
        this.toolNames = toolNames;
        this.replay = replay;
    }

    /**
     * The assistant message for a turn's content (string or blocks), or null when it has nothing an upstream could
     * replay: only empty text, or only thinking (which Anthropic ignores outside the current tool loop anyway).
     */
    ObjectNode translate(JsonNode body) {
        if (body.isTextual()) {
            return Fields.isEmptyText(body) ? null
                    : nodes.objectNode().put("role", "assistant").set("content", body);
        }
        List<ObjectNode> texts = new ArrayList<>();
        ArrayNode toolCalls = null;
        ReasoningDetails reasoning = null;
        StringBuilder reasoningContent = new StringBuilder();
        for (JsonNode block : body) {
            String type = ContentBlocks.type(block);
            switch (type) {
                case "text" -> ContentBlocks.addIfPresent(texts, content.text(block));
                case "tool_use" -> {
                    if (toolCalls == null) {
                        toolCalls = nodes.arrayNode();
                    }
                    toolCalls.add(toolCall(block));
                }
                case "thinking", "redacted_thinking" -> {
                    if (reasoning == null) {
                        reasoning = new ReasoningDetails(nodes.arrayNode());
                    }
                    reasoning.add(type, block);
                    if (type.equals("thinking")) {
                        reasoningContent.append(block.get("thinking").textValue());
                    }
                }
                default -> { } // server-tool history, which the upstream can neither express nor run again
            }
        }
        if (texts.isEmpty() && toolCalls == null) {
            return null;
        }
        ObjectNode message = nodes.objectNode().put("role", "assistant");
        if (texts.isEmpty()) {
            message.putNull("content");
        } else if (texts.stream().anyMatch(text -> text.has("cache_control"))) {
            message.putArray("content").addAll(texts); // a string cannot carry the marker
        } else {
            message.set("content", ContentBlocks.joinTexts(texts, TEXT_SEPARATOR));
        }
        if (toolCalls != null) {
            message.set("tool_calls", toolCalls);
        }
        switch (replay) {
            case THOUGHT_SIGNATURES -> {
                if (toolCalls != null) {
                    attachThoughtSignatures(toolCalls, reasoning == null ? Map.of() : reasoning.thoughtSignatures);
                }
            }
            case REASONING_DETAILS -> {
                if (reasoning != null && !reasoning.details.isEmpty()) {
                    message.set("reasoning_details", reasoning.details);
                }
            }
            case REASONING_CONTENT -> {
                // DeepSeek and Z.ai answer 400 when a tool-calling turn comes back without it, even empty.
                if (!reasoningContent.isEmpty() || toolCalls != null) {
                    message.put("reasoning_content", reasoningContent.toString());
                }
            }
            case NONE -> { }
        }
        return message;
    }

    /**
     * Each tool call goes back with the thought signature Gemini gave it. A turn whose calls have none (history from
     * another model) gets Gemini's documented stand-in on its first call, which Gemini 3 accepts in place of a
     * signature it would otherwise require.
     */
    private void attachThoughtSignatures(ArrayNode toolCalls, Map<String, String> signatures) {
        boolean anySigned = false;
        for (JsonNode call : toolCalls) {
            String signature = signatures.get(call.path("id").asText());
            if (signature != null) {
                thoughtSignature((ObjectNode) call, signature);
                anySigned = true;
            }
        }
        if (!anySigned) {
            thoughtSignature((ObjectNode) toolCalls.get(0), SKIP_THOUGHT_SIGNATURE);
        }
    }

    private static void thoughtSignature(ObjectNode call, String signature) {
        call.putObject("extra_content").putObject("google").put("thought_signature", signature);
    }

    private ObjectNode toolCall(JsonNode block) {
        String id = idFormat.upstream(ToolCallIds.toUpstream(block.get("id").textValue()));
        String name = block.get("name").textValue();
        JsonNode input = block.get("input");
        ObjectNode call = nodes.objectNode().put("id", id).put("type", "function");
        // JsonNode.toString()'s compact JSON, whatever the injected mapper's pretty-printing says.
        call.putObject("function").put("name", toolNames.upstream(name)).put("arguments", JsonTrees.text(input));
        return call;
    }

    /**
     * Thinking blocks as reasoning details. Unsigned thinking (a stream cut before its signature) is dropped, and a
     * block seen twice is sent once: OpenRouter and Anthropic reject both ("Invalid signature in thinking block",
     * "Duplicate item found").
     */
    private final class ReasoningDetails {
        final ArrayNode details;
        final Set<String> seen = new HashSet<>();
        /** Gemini thought signatures carried through the client, by upstream tool call id. */
        final Map<String, String> thoughtSignatures = new HashMap<>();

        ReasoningDetails(ArrayNode details) {
            this.details = details;
        }

        void add(String type, JsonNode block) {
            JsonNode carried = CarriedReasoning.decode(type.equals("thinking")
                    ? block.path("signature").asText("") : block.path("data").asText(""));
            if (carried != null) {
                addCarried(carried);
                return;
            }
            ObjectNode detail = nodes.objectNode();
            String identity;
            if (type.equals("thinking")) {
                String text = block.get("thinking").textValue();
                String signature = Fields.string(block, "signature");
                if (signature == null || signature.isEmpty()) {
                    return;
                }
                detail.put("type", "reasoning.text").put("text", text).put("signature", signature);
                identity = "t" + signature + '\u0000' + text;
            } else {
                String data = block.get("data").textValue();
                detail.put("type", "reasoning.encrypted").put("data", data);
                identity = "r" + data;
            }
            if (seen.add(identity)) {
                details.add(detail.put("format", REASONING_FORMAT).put("index", details.size()));
            }
        }

        /** What the gateway carried through the client goes back as it came: details unmodified, in order. */
        private void addCarried(JsonNode payload) {
            for (JsonNode detail : payload.path("reasoning_details")) {
                if (seen.add("c" + detail)) {
                    details.add(detail.deepCopy());
                }
            }
            String signature = payload.path("thought_signature").asText("");
            if (!signature.isEmpty()) {
                thoughtSignatures.put(payload.path("tool_call_id").asText(), signature);
            }
        }
    }
}
