package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.models.ModelInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /v1/models} and {@code count_tokens} with the two-provider configuration: the Claude aliases Claude
 * Code's picker shows, named after where they lead, then every configured {@code provider,model}.
 */
class RoutedModelsTest {
    static FakeUpstream upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream, config -> config
                .withProviders(List.of(Providers.at("deepseek", upstream, "sk-deepseek"), Providers.at("local", upstream)))
                .withRoutes(new RouteSettings("deepseek,deepseek-chat", "local,qwen3-coder", "deepseek,deepseek-reasoner",
                        "openrouter,google/gemini-2.5-pro", 60_000, "openrouter,anthropic/claude-sonnet-4.6",
                        "openrouter,google/gemini-2.5-flash",
                        Map.of("deepseek,deepseek-chat",
                                List.of("openrouter,deepseek/deepseek-chat-v3.1", "local,qwen3-coder")))));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void theAliasesLeadWhereTheRoutesGoAndEveryConfiguredModelIsListed() {
        List<ModelInfo> models = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-client")
                .maxRetries(0).build().models().list().data();

        assertThat(models).extracting(ModelInfo::id, ModelInfo::displayName).containsExactly(
                tuple("claude-opus", "Opus via ccrouter → deepseek,deepseek-chat"),
                tuple("claude-sonnet", "Sonnet via ccrouter → deepseek,deepseek-chat"),
                tuple("claude-haiku", "Haiku via ccrouter → local,qwen3-coder"),
                tuple("deepseek,deepseek-chat", "deepseek,deepseek-chat (default)"),
                tuple("local,qwen3-coder", "local,qwen3-coder (background, fallback of deepseek,deepseek-chat)"),
                tuple("deepseek,deepseek-reasoner", "deepseek,deepseek-reasoner (think)"),
                tuple("openrouter,google/gemini-2.5-pro", "openrouter,google/gemini-2.5-pro (long_context)"),
                tuple("openrouter,anthropic/claude-sonnet-4.6", "openrouter,anthropic/claude-sonnet-4.6 (web_search)"),
                tuple("openrouter,google/gemini-2.5-flash", "openrouter,google/gemini-2.5-flash (image)"),
                tuple("openrouter,deepseek/deepseek-chat-v3.1",
                        "openrouter,deepseek/deepseek-chat-v3.1 (fallback of deepseek,deepseek-chat)"));
    }

    @Test
    void countTokensNamesTheRouteAndTargetItCountedFor() throws Exception {
        int asked = upstream.requests().size(); // the other tests share this upstream
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages/count_tokens?beta=true",
                "{\"model\":\"claude-haiku-4-5-20251001\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}",
                "x-api-key", "sk-client");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(response.body()).path("input_tokens").asLong()).isEqualTo(6);
        assertThat(response.headers().firstValue("X-CCRouter-Route")).hasValue("background");
        assertThat(response.headers().firstValue("X-CCRouter-Provider")).hasValue("local,qwen3-coder");
        assertThat(upstream.requests()).as("counted here, not asked upstream").hasSize(asked);
    }

    /** A subagent's tag routes its turn, and the model reads its prompt without the tag, as claude-code-router does. */
    @Test
    void aSubagentsTagRoutesItsTurnAndStaysOutOfThePrompt() throws Exception {
        upstream.answer(FakeUpstream.text("Reviewed."));
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", """
                {"model":"claude-sonnet-4-6","max_tokens":100,"system":[{"type":"text","text":"You are Claude Code."},
                 {"type":"text","text":"<CCR-SUBAGENT-MODEL>local,qwen3-coder</CCR-SUBAGENT-MODEL>You review code."}],
                 "messages":[{"role":"user","content":"Review it"}]}""", "x-api-key", "sk-client");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-CCRouter-Route")).hasValue("subagent");
        assertThat(upstream.lastRequest().body().path("model").asText()).isEqualTo("qwen3-coder");
        assertThat(upstream.lastRequest().body().at("/messages/0/content").toString())
                .isEqualTo("[{\"type\":\"text\",\"text\":\"You are Claude Code.\"},"
                        + "{\"type\":\"text\",\"text\":\"You review code.\"}]");
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
