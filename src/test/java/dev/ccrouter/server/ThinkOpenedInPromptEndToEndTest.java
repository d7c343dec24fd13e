package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SdkStreams;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reasoning model behind a server without a reasoning parser, whose chat template ends the prompt with
 * {@code <think>} (a DeepSeek-R1 distill on vLLM started without {@code --reasoning-parser}): configured with
 * {@code think_opened_in_prompt}, its reasoning reaches Claude Code as a thinking block and only the answer as text,
 * streamed or whole, through the real server and the official SDK as the strict client. The same model without the
 * setting gets its content as it came.
 */
class ThinkOpenedInPromptEndToEndTest {
    private static final String R1 = "deepseek-r1-distill-qwen-32b";
    static FakeUpstream upstream;
    static RunningGateway gateway;
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        ProviderSettings.ModelSettings opened = new ProviderSettings.ModelSettings(null, null, null, null, null,
                List.of(), true);
        URI at = URI.create(upstream.baseUrl());
        gateway = RunningGateway.start(upstream, config -> config.withProviders(List.of(
                new ProviderSettings("local", "vllm", at, List.of(), null, Map.of(R1, opened)),
                new ProviderSettings("plain", "vllm", at, List.of(), null, Map.of()))));
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-test").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    private static MessageCreateParams params(String provider) {
        return MessageCreateParams.builder().model(provider + "," + R1).maxTokens(1024).addUserMessage("2 + 2?")
                .build();
    }

    /** The model's content: the reasoning, the closing tag split across two chunks, the answer. */
    private static void answerAsTheModelWritesIt() {
        upstream.answer(FakeUpstream.sse(
                content("Okay, the user asks 2 + 2."),
                content(" That is 4.\n</th"),
                content("ink>\n\n"),
                content("2 + 2 = 4."),
                "{\"id\":\"r1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":20}}",
                "[DONE]"));
    }

    private static String content(String text) {
        return "{\"id\":\"r1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text.replace("\n", "\\n")
                + "\"}}]}";
    }

    @Test
    void aStreamedAnswerBeginsInTheReasoningThePromptOpened() {
        answerAsTheModelWritesIt();

        Message message = SdkStreams.streamed(client, params("local"));

        assertThat(message.content()).extracting(ThinkOpenedInPromptEndToEndTest::shown).containsExactly(
                "thinking: Okay, the user asks 2 + 2. That is 4.\n", "text: 2 + 2 = 4.");
        assertThat(message.usage().outputTokens()).isEqualTo(20);
    }

    @Test
    void aWholeAnswerIsReadTheSameWay() {
        upstream.answer(FakeUpstream.json(200, "{\"id\":\"r1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                + "\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"Okay, the user asks 2 + 2. That is 4.\\n</think>\\n\\n2 + 2 = 4.\"}}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":20}}"));

        Message message = client.messages().create(params("local"));
        message.validate();

        assertThat(message.content()).extracting(ThinkOpenedInPromptEndToEndTest::shown).containsExactly(
                "thinking: Okay, the user asks 2 + 2. That is 4.\n", "text: 2 + 2 = 4.");
    }

    @Test
    void withoutTheSettingTheContentIsTheAnswerAsItCame() {
        answerAsTheModelWritesIt();

        Message message = SdkStreams.streamed(client, params("plain"));

        assertThat(message.content()).extracting(ThinkOpenedInPromptEndToEndTest::shown).containsExactly(
                "text: Okay, the user asks 2 + 2. That is 4.\n</think>\n\n2 + 2 = 4.");
    }

    private static String shown(ContentBlock block) {
        if (block.isThinking()) {
            return "thinking: " + block.asThinking().thinking();
        }
        return block.isText() ? "text: " + block.asText().text() : block.toString();
    }
}
