package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StreamingTextTest {
    static FakeUpstream upstream;
    static RunningGateway gateway;
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream);
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-test").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void textStreamArrivesAsAnthropicEvents() {
        upstream.answer(FakeUpstream.sse(
                "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"}}]}",
                "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"gen-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2}}",
                "[DONE]"));
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(
                MessageCreateParams.builder().model("claude-sonnet-5").maxTokens(1024).addUserMessage("Say hello").build())) {
            stream.stream().forEach(event -> {
                event.validate();
                accumulator.accumulate(event);
            });
        }
        Message message = accumulator.message();
        assertThat(message.content()).hasSize(1);
        assertThat(message.content().get(0).asText().text()).isEqualTo("Hello");
        assertThat(message.model().asString()).isEqualTo("claude-sonnet-5");
        assertThat(message.usage().inputTokens()).isEqualTo(12);
        assertThat(message.usage().outputTokens()).isEqualTo(2);
        assertThat(upstream.lastRequest().body().path("model").asText()).isEqualTo("anthropic/claude-sonnet-4.6");
        assertThat(upstream.lastRequest().headers().get("authorization")).isEqualTo("Bearer sk-test");
    }
}
