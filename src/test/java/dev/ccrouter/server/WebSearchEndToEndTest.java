package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.testing.AnthropicStreamGrammar;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.Routes;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Claude Code's WebSearch through the real server: its request (the {@code web_search_20250305} server tool, forced
 * by {@code tool_choice}) reaches OpenRouter with the web plugin instead, and the answer's {@code url_citation}
 * annotations come back as the {@code server_tool_use} and {@code web_search_tool_result} blocks Claude Code reads.
 * A route whose provider cannot search gets a 400 that says which route to set.
 */
class WebSearchEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What Claude Code 2.1.197's WebSearch tool sends (its body, trimmed to the fields that matter here). */
    private static final String WEB_SEARCH_REQUEST = """
            {"model":"claude-opus-4-8","max_tokens":32000,"stream":%s,
             "system":[{"type":"text","text":"You are an assistant for performing a web search tool use"}],
             "messages":[{"role":"user","content":"Perform a web search for the query: what is ccrouter"}],
             "tools":[{"type":"web_search_20250305","name":"web_search","allowed_domains":["github.com"],"max_uses":8}],
             "tool_choice":{"type":"tool","name":"web_search"},
             "thinking":{"type":"disabled"}}""";
    private static final Path TRANSCRIPT = Path.of("src/test/resources/fixtures/stream/web_search_citations.upstream.sse");

    static FakeUpstream openRouter;
    static FakeUpstream deepSeek;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        openRouter = FakeUpstream.start();
        deepSeek = FakeUpstream.start();
        gateway = RunningGateway.start(openRouter);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        openRouter.close();
        deepSeek.close();
    }

    private static HttpResponse<String> search(RunningGateway target, boolean stream) throws Exception {
        return SseCapture.post(target.baseUrl() + "/v1/messages?beta=true", WEB_SEARCH_REQUEST.formatted(stream),
                "x-api-key", "sk-client-key");
    }

    @Test
    void theSearchGoesToOpenRouterAsTheWebPlugin() throws Exception {
        openRouter.answer(FakeUpstream.raw(Files.readString(TRANSCRIPT)));

        search(gateway, true);

        JsonNode sent = openRouter.lastRequest().body();
        assertThat(sent.path("plugins")).isEqualTo(JSON.readTree("[{\"id\":\"web\",\"include_domains\":[\"github.com\"]}]"));
        assertThat(sent.has("tools")).as("the server tool is not a function").isFalse();
        assertThat(sent.has("tool_choice")).isFalse();
        assertThat(sent.path("model").asText()).isEqualTo("anthropic/claude-opus-4.6");
    }

    @Test
    void citationsComeBackAsTheSearchAndItsResults() throws Exception {
        openRouter.answer(FakeUpstream.raw(Files.readString(TRANSCRIPT)));

        HttpResponse<String> response = search(gateway, true);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode content = AnthropicStreamGrammar.check(response.body()).message().path("content");
        assertThat(content).hasSize(3);
        assertThat(content.get(0).path("text").asText()).isEqualTo(
                "ccrouter lets Claude Code run on other models ([github.com](https://github.com/ccrouter/ccrouter)).");
        JsonNode search = content.get(1);
        assertThat(search.path("type").asText()).isEqualTo("server_tool_use");
        assertThat(search.path("name").asText()).isEqualTo("web_search");
        assertThat(search.path("input")).isEqualTo(JSON.readTree("{\"query\":\"what is ccrouter\"}"));
        JsonNode results = content.get(2);
        assertThat(results.path("type").asText()).isEqualTo("web_search_tool_result");
        assertThat(results.path("tool_use_id").asText()).isEqualTo(search.path("id").asText()).startsWith("srvtoolu_");
        assertThat(AnthropicStreamGrammar.check(response.body()).message().path("usage").path("server_tool_use"))
                .as("the search OpenRouter counted, as Anthropic's usage counts it")
                .isEqualTo(JSON.readTree("{\"web_search_requests\":1,\"web_fetch_requests\":0}"));
        assertThat(results.path("content")).isEqualTo(JSON.readTree("""
                [{"type":"web_search_result","url":"https://github.com/ccrouter/ccrouter",
                  "title":"ccrouter: Claude Code on any model","encrypted_content":"","page_age":null},
                 {"type":"web_search_result","url":"https://ccrouter.example.com/docs",
                  "title":"ccrouter documentation","encrypted_content":"","page_age":null}]"""));
    }

    @Test
    void aWholeAnswerCarriesTheSameBlocks() throws Exception {
        openRouter.answer(FakeUpstream.json(200, Files.readString(
                Path.of("src/test/resources/fixtures/response/web_search_citations.openai.json"))));

        HttpResponse<String> response = search(gateway, false);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode message = JSON.readTree(response.body());
        AnthropicStreamGrammar.checkMessage(message);
        assertThat(message.path("content")).extracting(block -> block.path("type").asText())
                .containsExactly("text", "server_tool_use", "web_search_tool_result");
        assertThat(message.path("content").get(2).path("content")).extracting(result -> result.path("url").asText())
                .containsExactly("https://github.com/ccrouter/ccrouter", "https://news.example.org/ccrouter-release");
        assertThat(message.path("usage").path("server_tool_use"))
                .as("no count in the usage: the web plugin searches once a request")
                .isEqualTo(JSON.readTree("{\"web_search_requests\":1,\"web_fetch_requests\":0}"));
    }

    /** {@code :online} runs the web plugin though the request carries no search tool: its one search is counted. */
    @Test
    void anOnlineModelsSearchIsCounted() throws Exception {
        openRouter.answer(FakeUpstream.json(200, Files.readString(
                Path.of("src/test/resources/fixtures/response/web_search_citations.openai.json"))));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", """
                {"model":"openrouter,openai/gpt-5.2:online","max_tokens":1000,
                 "messages":[{"role":"user","content":"what is ccrouter?"}]}""", "x-api-key", "sk-client-key");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(openRouter.lastRequest().body().path("model").asText()).isEqualTo("openai/gpt-5.2:online");
        assertThat(JSON.readTree(response.body()).path("usage").path("server_tool_use"))
                .isEqualTo(JSON.readTree("{\"web_search_requests\":1,\"web_fetch_requests\":0}"));
    }

    @Test
    void withoutARouteThatCanSearchTheRequestIs400NamingTheRoute() throws Exception {
        try (RunningGateway direct = RunningGateway.start(deepSeek, config -> config
                .withProviders(List.of(Providers.at("deepseek", deepSeek, "sk-deepseek-key")))
                .withRoutes(Routes.to("deepseek,deepseek-chat")))) {
            HttpResponse<String> response = search(direct, true);

            assertThat(response.statusCode()).isEqualTo(400);
            JsonNode error = JSON.readTree(response.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText()).isEqualTo("This request uses the web_search server tool "
                    + "(Claude Code's WebSearch), which provider 'deepseek' (route default) cannot run. Set "
                    + "routes.web_search to an OpenRouter model, such as openrouter,anthropic/claude-sonnet-4.6.");
            assertThat(deepSeek.requests()).isEmpty();
        }
    }

    @Test
    void theWebSearchRouteServesItBesideADirectDefault() throws Exception {
        openRouter.answer(FakeUpstream.raw(Files.readString(TRANSCRIPT)));
        try (RunningGateway routed = RunningGateway.start(openRouter, config -> config
                .withProviders(List.of(Providers.at("deepseek", deepSeek, "sk-deepseek-key")))
                .withRoutes(new RouteSettings("deepseek,deepseek-chat", null, null, null, 60_000,
                        "openrouter,openai/gpt-5.2", null, Map.of())))) {
            HttpResponse<String> response = search(routed, true);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-CCRouter-Route")).hasValue("web_search");
            assertThat(response.headers().firstValue("X-CCRouter-Provider")).hasValue("openrouter,openai/gpt-5.2");
            assertThat(openRouter.lastRequest().body().path("plugins").path(0).path("id").asText()).isEqualTo("web");
            assertThat(deepSeek.requests()).isEmpty();
        }
    }

    /** Anthropic's own API runs the server tool itself: the request goes to it as it is, not refused. */
    @Test
    void anAnthropicProviderRunsTheSearchItself() throws Exception {
        try (FakeUpstream anthropic = FakeUpstream.start();
             RunningGateway direct = RunningGateway.start(anthropic, config -> config
                     .withProviders(List.of(new ProviderSettings("claude", "anthropic",
                             URI.create(anthropic.baseUrl()), List.of("sk-anthropic-key"), null, Map.of())))
                     .withRoutes(Routes.to("claude,claude-opus-4-8")))) {
            anthropic.answer(FakeUpstream.json(200, """
                    {"id":"msg_1","type":"message","role":"assistant","model":"claude-opus-4-8",\
                    "content":[{"type":"text","text":"ccrouter is a gateway."}],"stop_reason":"end_turn",\
                    "stop_sequence":null,"usage":{"input_tokens":20,"output_tokens":6}}"""));

            HttpResponse<String> response = search(direct, false);

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-CCRouter-Provider")).hasValue("claude,claude-opus-4-8");
            assertThat(anthropic.lastRequest().body().path("tools"))
                    .isEqualTo(JSON.readTree(WEB_SEARCH_REQUEST.formatted(false)).path("tools"));
        }
    }
}
