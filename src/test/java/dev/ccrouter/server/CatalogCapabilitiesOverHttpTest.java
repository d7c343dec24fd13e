package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenRouter's catalog says what each model accepts: once the background fetch has it, a model's output limit clamps
 * {@code max_tokens}, its context window refuses prompts that cannot fit before any upstream call, and a model
 * without image input gets a note instead of the image.
 */
class CatalogCapabilitiesOverHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CATALOG = """
            {"data": [{"id": "tiny/text-model", "context_length": 2000,
                       "top_provider": {"max_completion_tokens": 512},
                       "architecture": {"input_modalities": ["text"]},
                       "pricing": {"prompt": "0.000001", "completion": "0.000002"}}]}""";
    private static final String ANSWER = """
            {"id":"gen-1","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}],
             "usage":{"prompt_tokens":10,"completion_tokens":1}}""";

    FakeUpstream upstream;
    RunningGateway gateway;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        upstream.models(FakeUpstream.json(200, CATALOG));
        upstream.answer(FakeUpstream.json(200, ANSWER));
        gateway = RunningGateway.start(upstream);
        // The catalog arrives in the background; from then on the model's limits apply.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            post("{\"model\":\"tiny/text-model\",\"max_tokens\":4000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
            assertThat(upstream.lastRequest().body().path("max_tokens").asInt()).isEqualTo(512);
        });
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aPromptLargerThanTheListedWindowIsRefusedInClaudeCodesWords() throws Exception {
        int before = upstream.requests().size();
        String longText = "word ".repeat(4000);

        HttpResponse<String> response = post("{\"model\":\"tiny/text-model\",\"max_tokens\":100,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"" + longText + "\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).at("/error/message").asText())
                .matches("prompt is too long: \\d+ tokens > 2000 maximum");
        assertThat(upstream.requests()).hasSize(before);
    }

    @Test
    void aModelListedWithoutImageInputGetsANoteInsteadOfTheImage() throws Exception {
        post("""
                {"model":"tiny/text-model","max_tokens":100,"messages":[{"role":"user","content":[
                  {"type":"text","text":"what is this?"},
                  {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}}]}]}""");

        assertThat(upstream.lastRequest().body().at("/messages/0/content").toString()).isEqualTo(
                "[{\"type\":\"text\",\"text\":\"what is this?\"},"
                        + "{\"type\":\"text\",\"text\":\"[Image omitted: this model cannot read images.]\"}]");
    }

    private HttpResponse<String> post(String body) throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages", body, "x-api-key", "sk-test");
    }
}
