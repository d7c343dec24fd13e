package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.api.anthropic.Usage;

/**
 * A whole (non-streaming) OpenAI chat completion → an Anthropic Message. Content comes in Anthropic's order:
 * thinking, then text, then tool_use.
 */
public final class ChatResponseTranslator {
    private final ObjectMapper json;
    private final ToolArguments toolArguments;
    private final UpstreamErrors errors;

    public ChatResponseTranslator(ObjectMapper json) {
        this.json = json;
        this.toolArguments = new ToolArguments(json);
        this.errors = new UpstreamErrors(json);
    }

    /**
     * @throws UpstreamFailureException when the 200 body reports a failure (OpenRouter returns mid-generation
     *                                  failures as {@code finish_reason: "error"} with an {@code error} object), or
     *                                  holds no choice at all, which is no answer either
     */
    public ObjectNode translate(JsonNode completion, ResponseContext context) {
        JsonNode choice = completion.path("choices").path(0);
        JsonNode error = completion.hasNonNull("error") ? completion.get("error") : choice.get("error");
        if (error != null && !error.isNull() || "error".equals(choice.path("finish_reason").asText())) {
            throw new UpstreamFailureException(errors.fromStreamError(error == null ? json.nullNode() : error));
        }
        if (!choice.isObject()) {
            throw new UpstreamFailureException(AnthropicError.of(ErrorType.API, "The upstream answered without a choice."));
        }
        JsonNode message = choice.path("message");

        ArrayNode content = json.createArrayNode();
        addThinking(message, content);
        String text = text(message.get("content"));
        if (!text.isEmpty()) {
            ObjectNode block = content.addObject();
            block.put("type", "text");
            block.put("text", text);
            block.putNull("citations");
        }
        boolean hasToolCalls = false;
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode function = call.path("function");
            ObjectNode block = content.addObject();
            block.put("type", "tool_use");
            block.put("id", call.hasNonNull("id")
                    ? ToolCallIds.toClient(call.get("id").asText())
                    : context.toolUseIds().get());
            block.put("name", context.toolNames().clientName(function.path("name").asText()));
            // Some servers (Ollama among them) send the arguments as an object rather than a JSON string.
            JsonNode arguments = function.path("arguments");
            block.set("input", arguments.isObject() ? arguments : toolArguments.parse(arguments.asText("")));
            hasToolCalls = true;
        }

        StopReason stop = StopReason.of(choice, choice.path("finish_reason").asText(null), hasToolCalls,
                context.stopSequences());
        JsonNode usageNode = completion.get("usage");
        Usage usage = usageNode != null && usageNode.isObject()
                ? context.usage().map(usageNode)
                : Usage.estimate(context.estimatedInputTokens(), estimatedOutputTokens(content));

        ObjectNode result = json.createObjectNode();
        result.put("id", context.messageId());
        result.put("type", "message");
        result.put("role", "assistant");
        result.put("model", context.requestedModel());
        result.set("content", content);
        result.put("stop_reason", stop.reason());
        result.put("stop_sequence", stop.sequence());
        result.putNull("stop_details");
        result.putNull("container");
        result.set("usage", usage.toJson());
        return result;
    }

    /**
     * {@code reasoning_details} when present (they carry signatures), else the plain {@code reasoning} text
     * ({@code reasoning_content} on DeepSeek-style servers).
     */
    private void addThinking(JsonNode message, ArrayNode content) {
        JsonNode details = message.get("reasoning_details");
        if (details != null && details.isArray() && !details.isEmpty()) {
            StringBuilder thinking = new StringBuilder();
            for (JsonNode detail : details) {
                switch (detail.path("type").asText()) {
                    case "reasoning.text", "reasoning.summary" -> {
                        thinking.append(detail.path("reasoning.text".equals(detail.path("type").asText()) ? "text" : "summary")
                                .asText(""));
                        String signature = detail.path("signature").asText("");
                        if (!signature.isEmpty()) {
                            addThinkingBlock(content, thinking.toString(), signature);
                            thinking.setLength(0);
                        }
                    }
                    case "reasoning.encrypted" -> {
                        flushThinking(content, thinking);
                        ObjectNode block = content.addObject();
                        block.put("type", "redacted_thinking");
                        block.put("data", detail.path("data").asText(""));
                    }
                    default -> { }
                }
            }
            flushThinking(content, thinking);
            return;
        }
        String reasoning = message.path("reasoning").asText("");
        if (reasoning.isEmpty()) {
            reasoning = message.path("reasoning_content").asText("");
        }
        if (!reasoning.isEmpty()) {
            addThinkingBlock(content, reasoning, "");
        }
    }

    private static void flushThinking(ArrayNode content, StringBuilder thinking) {
        if (!thinking.isEmpty()) {
            addThinkingBlock(content, thinking.toString(), "");
            thinking.setLength(0);
        }
    }

    private static void addThinkingBlock(ArrayNode content, String thinking, String signature) {
        ObjectNode block = content.addObject();
        block.put("type", "thinking");
        block.put("thinking", thinking);
        block.put("signature", signature);
    }

    /** Without upstream usage: about four characters a token, as the stream translator estimates. */
    private static long estimatedOutputTokens(ArrayNode content) {
        long chars = 0;
        for (JsonNode block : content) {
            chars += switch (block.path("type").asText()) {
                case "text" -> block.path("text").asText().length();
                case "thinking" -> block.path("thinking").asText().length();
                case "tool_use" -> block.path("input").toString().length();
                default -> 0;
            };
        }
        return (chars + 3) / 4;
    }

    /** OpenAI content is a string, null, or (from some servers) an array of text parts. */
    private static String text(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            text.append(part.path("text").asText(""));
        }
        return text.toString();
    }
}
