package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A whole (non-streaming) OpenAI chat completion → an Anthropic Message, by the one translation path: the completion
 * is fed to the {@link ChatStreamTranslator} as the single chunk that would have carried it, and the events it emits
 * are folded into the Message ({@link MessageFold}). Whatever a stream would say, the whole response says.
 */
public final class ChatResponseTranslator {
    private final ObjectMapper json;

    public ChatResponseTranslator(ObjectMapper json) {
        this.json = json;
    }

    /**
     * @throws UpstreamFailureException when the 200 body reports a failure (OpenRouter returns mid-generation
     *                                  failures as {@code finish_reason: "error"} with an {@code error} object), or
     *                                  holds no choice at all, which is no answer either
     */
    public WholeMessage translate(JsonNode completion, ResponseContext context) {
        MessageFold fold = new MessageFold();
        ChatStreamTranslator machine = new ChatStreamTranslator(json, context, fold);
        machine.onCompletion(completion);
        if (machine.failure() != null) {
            throw new UpstreamFailureException(machine.failure());
        }
        return fold.message();
    }
}
