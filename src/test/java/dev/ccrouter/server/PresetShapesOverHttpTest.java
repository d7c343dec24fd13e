package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every preset through the real server, against a fake upstream answering in that provider's recorded shapes
 * ({@code fixtures/presets/<preset>/}):
 * <ul>
 *   <li>{@code request.json}: the body the provider receives for one Claude Code turn (thinking, a tool with a
 *       JSON Schema, five stop sequences, an image, a PDF, a signed thinking block and a tool round trip in the history,
 *       a session id) — what each preset's dialect and capabilities make of it;</li>
 *   <li>{@code <case>.upstream.sse} / {@code <case>.upstream.json}: a stream or a whole answer as the provider
 *       writes it, and {@code <case>.expected.json}: the Message the client folds from what it receives (or the
 *       error it gets).</li>
 * </ul>
 * Run with {@code -Dfixtures.update=true} to rewrite the expected files, then review them.
 */
class PresetShapesOverHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/presets");
    private static final boolean UPDATE = Boolean.getBoolean("fixtures.update");
    /** The model each preset is asked for. */
    private static final Map<String, String> MODELS = Map.ofEntries(
            Map.entry("openrouter", "google/gemini-3.1-pro-preview"),
            Map.entry("openai-compatible", "local-model"),
            Map.entry("deepseek", "deepseek-flash"),
            Map.entry("moonshot", "kimi-k2.6"),
            Map.entry("zai", "glm-4.7"),
            Map.entry("dashscope", "qwen3.6-plus"),
            Map.entry("groq", "openai/gpt-oss-120b"),
            Map.entry("gemini", "gemini-3.5-flash"),
            Map.entry("mistral", "magistral-medium-latest"),
            Map.entry("openai", "gpt-5.1"),
            Map.entry("xai", "grok-4"),
            Map.entry("ollama", "qwen3-coder"),
            Map.entry("vllm", "Qwen/Qwen3-32B"),
            Map.entry("llamacpp", "gpt-oss-20b"),
            Map.entry("lmstudio", "qwen/qwen3-coder-30b"));
    private static final String TURN = """
            {"model": "%s", "max_tokens": 32000, "stream": true,
             "system": [{"type": "text", "text": "You are Claude Code.", "cache_control": {"type": "ephemeral"}}],
             "thinking": {"type": "enabled", "budget_tokens": 8000},
             "tools": [{"name": "Bash", "description": "Run a command",
                        "input_schema": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                                         "properties": {"command": {"type": "string"},
                                                        "timeout": {"type": "number", "exclusiveMinimum": 0}},
                                         "required": ["command"], "additionalProperties": false}},
                       {"name": "WebFetch", "description": "Fetch a URL",
                        "input_schema": {"type": "object", "required": ["url"],
                                         "properties": {"url": {"type": "string", "format": "uri",
                                                                "description": "The URL to fetch content from"}}}}],
             "stop_sequences": ["</a>", "</b>", "</c>", "</d>", "</e>"],
             "metadata": {"user_id": "user_abc"},
             "messages": [
               {"role": "user", "content": [
                 {"type": "text", "text": "What is in this picture? Then list the files."},
                 {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                 {"type": "document", "title": "spec.pdf",
                  "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0xLjQK"}}]},
               {"role": "assistant", "content": [
                 {"type": "thinking", "thinking": "I should run ls.", "signature": "EqQBCkYIBxgCKkA"},
                 {"type": "tool_use", "id": "toolu_01ABCdef", "name": "Bash", "input": {"command": "ls"}}]},
               {"role": "user", "content": [
                 {"type": "tool_result", "tool_use_id": "toolu_01ABCdef", "content": "a.txt"}]}]}""";

    static FakeUpstream upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        List<ProviderSettings> providers = new ArrayList<>();
        MODELS.keySet().stream().sorted().forEach(preset -> providers.add(new ProviderSettings(preset, preset,
                URI.create(upstream.baseUrl()), preset.equals("openrouter") ? List.of() : List.of("sk-" + preset),
                null, Map.of())));
        gateway = RunningGateway.start(upstream, config -> config.withProviders(List.copyOf(providers)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    static Stream<String> presets() {
        return MODELS.keySet().stream().sorted();
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        for (String preset : MODELS.keySet().stream().sorted().toList()) {
            Path folder = FIXTURES.resolve(preset);
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (Stream<Path> files = Files.list(folder)) {
                files.map(path -> path.getFileName().toString())
                        .filter(name -> name.contains(".upstream."))
                        .sorted()
                        .forEach(name -> cases.add(Arguments.of(preset, name)));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest
    @MethodSource("presets")
    void theRequestEachPresetSends(String preset) throws Exception {
        upstream.answer(FakeUpstream.sse(
                "{\"id\":\"r\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":1}}"));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                TURN.formatted(preset + "," + MODELS.get(preset)), "x-api-key", "sk-client",
                "x-claude-code-session-id", "session-1");

        assertThat(response.statusCode()).isEqualTo(200);
        FakeUpstream.Recorded received = upstream.lastRequest();
        String expectedAuth = switch (preset) {
            case "openrouter" -> "Bearer sk-client"; // no keys of its own: the client's is forwarded
            case "ollama" -> null;                   // takes no key
            default -> "Bearer sk-" + preset;
        };
        assertThat(received.headers().get("authorization")).isEqualTo(expectedAuth);
        // xAI's cache is per server: the session's requests carry its id to land where its prefix is
        assertThat(received.headers().get("x-grok-conv-id")).isEqualTo(preset.equals("xai") ? "session-1" : null);
        matchesGolden(FIXTURES.resolve(preset).resolve("request.json"), received.body());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("cases")
    void theAnswerEachPresetGives(String preset, String upstreamFile) throws Exception {
        Path folder = FIXTURES.resolve(preset);
        String recorded = Files.readString(folder.resolve(upstreamFile), StandardCharsets.UTF_8);
        boolean stream = upstreamFile.endsWith(".sse");
        upstream.answer(stream ? FakeUpstream.raw(recorded) : FakeUpstream.json(200, recorded));
        ObjectNode request = JSON.createObjectNode().put("model", preset + "," + MODELS.get(preset))
                .put("max_tokens", 1024).put("stream", stream);
        request.putArray("tools").addObject().put("name", "Bash").putObject("input_schema").put("type", "object");
        request.putArray("messages").addObject().put("role", "user").put("content", "go");

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", request.toString(),
                "x-api-key", "sk-client");

        ObjectNode seen = JSON.createObjectNode().put("status", response.statusCode());
        if (stream) {
            AnthropicStreamGrammar.Outcome outcome = AnthropicStreamGrammar.check(response.body());
            seen.set("message", outcome.message() == null ? null : stable(outcome.message()));
            seen.set("error", outcome.error());
        } else {
            ObjectNode body = (ObjectNode) JSON.readTree(response.body());
            if (body.path("type").asText().equals("error")) {
                body.remove("request_id"); // differs per request; the envelope is what the client reads
                seen.set("error", body);
            } else {
                seen.set("message", stable(body));
            }
        }
        String caseName = upstreamFile.substring(0, upstreamFile.indexOf(".upstream."));
        matchesGolden(folder.resolve(caseName + ".expected.json"), seen);
    }

    /** Without what changes from run to run: the message id. */
    private static ObjectNode stable(ObjectNode message) {
        ObjectNode copy = message.deepCopy();
        copy.put("id", "msg_stable");
        return copy;
    }

    private static void matchesGolden(Path golden, JsonNode actual) throws IOException {
        if (UPDATE) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, PRETTY.writeValueAsString(actual) + "\n", StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(golden)).as(golden + " exists (run with -Dfixtures.update=true)").isTrue();
        assertThat(actual).isEqualTo(JSON.readTree(golden.toFile()));
    }
}
