package dev.ccrouter.testing;

import com.anthropic.client.AnthropicClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;

/** Streams through the official SDK as a strict client: every event and the folded message are validated. */
public final class SdkStreams {
    private SdkStreams() {
    }

    public static Message streamed(AnthropicClient client, MessageCreateParams params) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(event -> {
                event.validate();
                accumulator.accumulate(event);
            });
        }
        Message message = accumulator.message();
        message.validate();
        return message;
    }
}
