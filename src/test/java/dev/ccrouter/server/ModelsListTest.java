package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.models.ModelInfo;
import com.anthropic.models.models.ModelListPage;
import com.anthropic.models.models.ModelListParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code GET /v1/models} as Anthropic's list: every entry a {@code ModelInfo} the official SDK validates, with the
 * limits of the target it leads to, in pages the SDK's pager walks with {@code after_id} and {@code before_id}.
 */
class ModelsListTest {
    private static final List<String> ALL = List.of("claude-opus", "claude-sonnet", "claude-haiku",
            "deepseek,deepseek-chat", "local,qwen3-coder", "deepseek,deepseek-reasoner");

    static FakeUpstream upstream;
    static RunningGateway gateway;
    static AnthropicClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        ProviderSettings deepseek = new ProviderSettings("deepseek", "openai-compatible",
                URI.create(upstream.baseUrl()), List.of("sk-deepseek"), null, Map.of(
                        "deepseek-chat", new ProviderSettings.ModelSettings(8_192, 131_072, null, null, null, null),
                        "deepseek-reasoner", new ProviderSettings.ModelSettings(65_536, 131_072, null, null, null,
                                null)));
        ProviderSettings local = new ProviderSettings("local", "openai-compatible", URI.create(upstream.baseUrl()),
                List.of(), null, Map.of());
        gateway = RunningGateway.start(upstream, config -> config
                .withProviders(List.of(deepseek, local))
                .withRoutes(new RouteSettings("deepseek,deepseek-chat", "local,qwen3-coder",
                        "deepseek,deepseek-reasoner", null, 60_000, null, null, Map.of())));
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-client").maxRetries(0)
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        gateway.close();
        upstream.close();
    }

    @Test
    void everyModelIsOneTheSdkValidatesWithTheLimitsOfWhereItLeads() {
        List<ModelInfo> models = client.models().list().data();

        models.forEach(ModelInfo::validate);
        assertThat(models).extracting(ModelInfo::id).containsExactlyElementsOf(ALL);
        assertThat(models).extracting(m -> m.lifecycle().value()).containsOnly(ModelInfo.Lifecycle.Value.ACTIVE);
        assertThat(models).extracting(ModelInfo::id, m -> m.maxInputTokens().orElse(null),
                m -> m.maxTokens().orElse(null)).containsExactly(
                tuple("claude-opus", 131_072L, 8_192L), // the default route's target
                tuple("claude-sonnet", 131_072L, 8_192L),
                tuple("claude-haiku", null, null), // the background route's local model states no limits
                tuple("deepseek,deepseek-chat", 131_072L, 8_192L),
                tuple("local,qwen3-coder", null, null),
                tuple("deepseek,deepseek-reasoner", 131_072L, 65_536L));
        ModelInfo one = client.models().retrieve("deepseek,deepseek-reasoner");
        one.validate();
        assertThat(one.maxTokens()).hasValue(65_536L);
    }

    @Test
    void theSdksPagerWalksEveryPageInOrder() {
        ModelListPage first = client.models().list(ModelListParams.builder().limit(4L).build());
        assertThat(first.data()).extracting(ModelInfo::id).containsExactlyElementsOf(ALL.subList(0, 4));
        assertThat(first.hasMore()).hasValue(true);
        assertThat(first.lastId()).hasValue("deepseek,deepseek-chat");

        List<String> walked = new ArrayList<>();
        client.models().list(ModelListParams.builder().limit(2L).build()).autoPager()
                .forEach(model -> walked.add(model.id()));
        assertThat(walked).containsExactlyElementsOf(ALL);
    }

    @Test
    void aPageBeforeAnIdEndsJustBeforeItAndSaysWhetherEarlierOnesRemain() throws Exception {
        JsonNode page = get("/v1/models?limit=2&before_id=local,qwen3-coder", 200);
        assertThat(ids(page)).containsExactly("claude-haiku", "deepseek,deepseek-chat");
        assertThat(page.path("has_more").asBoolean()).isTrue();
        assertThat(page.path("first_id").asText()).isEqualTo("claude-haiku");

        JsonNode start = get("/v1/models?limit=5&before_id=claude-sonnet", 200);
        assertThat(ids(start)).containsExactly("claude-opus");
        assertThat(start.path("has_more").asBoolean()).isFalse();

        JsonNode end = get("/v1/models?after_id=deepseek,deepseek-reasoner", 200);
        assertThat(ids(end)).isEmpty();
        assertThat(end.path("has_more").asBoolean()).isFalse();
        assertThat(end.get("first_id").isNull()).isTrue();
        assertThat(end.get("last_id").isNull()).isTrue();
    }

    @Test
    void aLifecycleFilterKeepsTheActiveModelsOrNone() throws Exception {
        assertThat(client.models().list(ModelListParams.builder()
                .addLifecycle(ModelListParams.Lifecycle.ACTIVE).addLifecycle(ModelListParams.Lifecycle.RETIRED)
                .build()).data()).extracting(ModelInfo::id).containsExactlyElementsOf(ALL);
        assertThat(client.models().list(ModelListParams.builder()
                .addLifecycle(ModelListParams.Lifecycle.DEPRECATED).build()).data()).isEmpty();
    }

    static Stream<Arguments> refusedQueries() {
        return Stream.of(
                Arguments.of("limit=0", "limit: must be a whole number from 1 to 1000, got '0'"),
                Arguments.of("limit=1001", "limit: must be a whole number from 1 to 1000, got '1001'"),
                Arguments.of("limit=ten", "limit: must be a whole number from 1 to 1000, got 'ten'"),
                Arguments.of("after_id=gpt-9", "after_id: no model 'gpt-9' in this gateway's list"),
                Arguments.of("after_id=claude-opus&before_id=claude-haiku",
                        "after_id and before_id cannot both be given: a page goes one way from one cursor"),
                Arguments.of("lifecycle%5B%5D=legacy", "lifecycle: 'legacy' is not one of active, deprecated, retired"),
                // the client's key, pasted as a cursor, is not echoed
                Arguments.of("before_id=sk-client", "before_id: no model '[redacted]' in this gateway's list"));
    }

    @ParameterizedTest
    @MethodSource("refusedQueries")
    void aQueryOutOfItsRangeIsRefusedNamingTheParameter(String query, String message) throws Exception {
        JsonNode error = get("/v1/models?" + query, 400);

        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.at("/error/type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.at("/error/message").asText()).isEqualTo(message);
    }

    private static JsonNode get(String path, int status) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                    .header("x-api-key", "sk-client").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
            return new ObjectMapper().readTree(response.body());
        }
    }

    private static List<String> ids(JsonNode page) {
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(model -> ids.add(model.path("id").asText()));
        return ids;
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
