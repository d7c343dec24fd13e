package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.testing.AnthropicStreamGrammar;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every upstream transcript of the stream golden fixtures, replayed by a fake upstream through the real server and
 * read as raw SSE: what a client receives over HTTP must pass the stream grammar and fold to the same message (or
 * end with the same error) as the translator's golden output. This covers what the pure fixtures cannot: framing,
 * flushing, the reader, and the handler's handling of the end of the body.
 */
class StreamFixturesOverHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/stream");
    static FakeUpstream upstream;
    static RunningGateway gateway;

    /** The model the cases whose context says {@code thinkOpenedInPrompt} are sent to, configured so. */
    private static final String TEMPLATED_MODEL = "templated,r1";

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        ProviderSettings templated = new ProviderSettings("templated", "openai-compatible",
                URI.create(upstream.baseUrl()), List.of(), null,
                Map.of("r1", new ProviderSettings.ModelSettings(null, null, null, null, null, List.of(), true)));
        gateway = RunningGateway.start(upstream, config -> config.withProviders(List.of(templated)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static Stream<String> cases() throws IOException {
        try (Stream<Path> files = Files.list(FIXTURES)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(".upstream.sse"))
                    .map(name -> name.substring(0, name.length() - ".upstream.sse".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void replayedThroughTheServer(String name) throws Exception {
        String transcript = Files.readString(FIXTURES.resolve(name + ".upstream.sse"), StandardCharsets.UTF_8);
        AnthropicStreamGrammar.Outcome expected =
                AnthropicStreamGrammar.check(Files.readString(FIXTURES.resolve(name + ".anthropic.sse")));
        upstream.answer(FakeUpstream.raw(transcript));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", requestBody(name),
                "x-api-key", "sk-test");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("text/event-stream"));
        AnthropicStreamGrammar.Outcome actual = AnthropicStreamGrammar.check(response.body());
        assertThat(actual.completed()).isEqualTo(expected.completed());
        if (expected.completed()) {
            assertThat(withoutGeneratedIds(actual.message().get("content")))
                    .isEqualTo(withoutGeneratedIds(expected.message().get("content")));
            assertThat(actual.message().get("stop_reason")).isEqualTo(expected.message().get("stop_reason"));
            assertThat(actual.message().get("stop_sequence")).isEqualTo(expected.message().get("stop_sequence"));
        } else {
            assertThat(actual.error().path("error").path("type"))
                    .isEqualTo(expected.error().path("error").path("type"));
        }
    }

    /**
     * The client's request: streaming, with the case's stop sequences and tools when its context names them, Claude
     * Code's WebSearch request when it names a web search query, and a model whose chat template opens {@code <think>}
     * in the prompt when it says so.
     */
    private static String requestBody(String name) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", "claude-sonnet-5");
        body.put("max_tokens", 1024);
        body.put("stream", true);
        body.putArray("messages").addObject().put("role", "user").put("content", "go");
        Path context = FIXTURES.resolve(name + ".context.json");
        if (Files.exists(context)) {
            JsonNode facts = JSON.readTree(context.toFile());
            if (facts.path("thinkOpenedInPrompt").asBoolean(false)) {
                body.put("model", TEMPLATED_MODEL);
            }
            if (facts.has("stopSequences")) {
                body.set("stop_sequences", facts.get("stopSequences"));
            }
            if (facts.has("webSearchQuery")) {
                body.withArray("tools").addObject().put("type", "web_search_20250305").put("name", "web_search");
                ((ObjectNode) body.withArray("messages").get(0)).put("content",
                        "Perform a web search for the query: " + facts.get("webSearchQuery").asText());
            }
            for (JsonNode toolName : facts.path("toolNames")) {
                ObjectNode tool = body.withArray("tools").addObject();
                tool.put("name", toolName.asText());
                tool.putObject("input_schema").put("type", "object");
            }
        }
        return body.toString();
    }

    /** Ids the gateway makes up for tool calls that came without one are random; the golden files use a counter. */
    private static JsonNode withoutGeneratedIds(JsonNode content) {
        JsonNode copy = content.deepCopy();
        for (JsonNode block : copy) {
            if (block.path("id").asText().startsWith("toolu_")) {
                ((ObjectNode) block).put("id", "toolu_generated");
            }
            for (String field : new String[] {"id", "tool_use_id"}) {
                if (block.path(field).asText().startsWith("srvtoolu_")) {
                    ((ObjectNode) block).put(field, "srvtoolu_generated");
                }
            }
        }
        return copy;
    }
}
