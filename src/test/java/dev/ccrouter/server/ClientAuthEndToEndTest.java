package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.ConfigException;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code auth.keys}: clients must present one of the gateway's keys, providers are called with their own keys, and a
 * gateway key never leaves the gateway (not upstream, not in an error, not in the log).
 */
class ClientAuthEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GATEWAY_KEY = "ccr-gateway-key-7f3a9c";
    private static final String PROVIDER_KEY = "sk-or-provider-key-42";
    private static final String BODY = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
    private static final String NO_KEY = "No API key: this gateway requires one of its keys as x-api-key or "
            + "Authorization: Bearer (ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN).";
    private static final String WRONG_KEY = "Invalid API key: it is not one of this gateway's keys (auth.keys).";

    static FakeUpstream upstream;
    static RunningGateway gateway;
    static AccessLogCapture accessLog;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        upstream.answer(FakeUpstream.text("Authorized."));
        accessLog = new AccessLogCapture();
        gateway = RunningGateway.start(upstream, config -> config
                .withProviders(List.of(Providers.openRouter(upstream, PROVIDER_KEY)))
                .withAuth(auth(GATEWAY_KEY, "ccr-second-gateway-key")));
    }

    @AfterAll
    static void stop() {
        accessLog.close();
        gateway.close();
        upstream.close();
    }

    private static AuthSettings auth(String... keys) {
        return new AuthSettings(List.of(keys).stream()
                .map(key -> new AuthSettings.ClientKey(null, key, null, null, null, null)).toList(), List.of());
    }

    private static AnthropicClient client(String key) {
        return AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey(key).maxRetries(0).build();
    }

    private static JsonNode error(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("error");
    }

    @Test
    void aGatewayKeyAdmitsTheRequestAndTheProviderGetsItsOwnKey() {
        int before = upstream.requests().size();

        var message = client(GATEWAY_KEY).messages().create(MessageCreateParams.builder().model("claude-sonnet-5")
                .maxTokens(100).addUserMessage("Hi").build());

        assertThat(message.content().getFirst().asText().text()).isEqualTo("Authorized.");
        assertThat(upstream.requests()).hasSize(before + 1);
        FakeUpstream.Recorded sent = upstream.lastRequest();
        assertThat(sent.headers().get("authorization")).isEqualTo("Bearer " + PROVIDER_KEY);
        assertThat(sent.headers().values()).noneMatch(value -> value.contains(GATEWAY_KEY));
    }

    @Test
    void anyOfTheKeysWorksAsBearerToo() throws Exception {
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY,
                "authorization", "Bearer ccr-second-gateway-key");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(upstream.lastRequest().headers().get("authorization")).isEqualTo("Bearer " + PROVIDER_KEY);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/v1/messages              | x-api-key     | ccr-gateway-key-7f3a9", // a prefix of a key is no key
            "/v1/messages              | x-api-key     | " + PROVIDER_KEY,      // nor is a provider's key
            "/v1/messages              | authorization | Bearer wrong-key-000000",
            "/v1/messages/count_tokens | x-api-key     | wrong-key-000000",
    })
    void aWrongKeyIs401AndNothingGoesUpstream(String path, String header, String value) throws Exception {
        int before = upstream.requests().size();

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + path, BODY, header, value);

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(error(response).path("type").asText()).isEqualTo("authentication_error");
        assertThat(error(response).path("message").asText()).isEqualTo(WRONG_KEY);
        assertThat(response.body()).doesNotContain(value.replace("Bearer ", ""));
        assertThat(upstream.requests()).hasSize(before);
    }

    /**
     * An SDK with both ANTHROPIC_API_KEY and ANTHROPIC_AUTH_TOKEN set sends both headers, and x-api-key is the one
     * read: with the gateway key in the Bearer and another key beside it, the refusal says which header it read,
     * instead of calling the key the user did set a wrong one. The Bearer is not checked, so nothing is told of it.
     */
    @Test
    void aWrongXApiKeyBesideABearerIsSaidToBeTheOneRead() throws Exception {
        int before = upstream.requests().size();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json")
                .header("x-api-key", "sk-ant-api03-personal-key")
                .header("authorization", "Bearer " + GATEWAY_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(error(response).path("message").asText()).isEqualTo("Invalid API key: the x-api-key header is "
                + "not one of this gateway's keys (auth.keys), and it is the one read when Authorization: Bearer "
                + "comes too. Send the gateway key alone: in Claude Code and the SDKs, ANTHROPIC_AUTH_TOKEN set and "
                + "ANTHROPIC_API_KEY empty.");
        assertThat(response.body()).doesNotContain("personal-key", GATEWAY_KEY);
        assertThat(upstream.requests()).hasSize(before);
    }

    @Test
    void noKeyIs401ForEveryApiEndpoint() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/v1/messages", "/v1/messages/count_tokens")) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(error(response).path("message").asText()).isEqualTo(NO_KEY);
        }
        HttpResponse<String> models = http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/models"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(models.statusCode()).isEqualTo(401);
        assertThat(error(models).path("type").asText()).isEqualTo("authentication_error");
    }

    @Test
    void theSdkSeesAnAuthenticationError() {
        assertThatThrownBy(() -> client("not-a-gateway-key").models().list())
                .isInstanceOfSatisfying(UnauthorizedException.class,
                        e -> assertThat(e.getMessage()).contains(WRONG_KEY));
        assertThat(client(GATEWAY_KEY).models().list().data()).isNotEmpty();
    }

    @Test
    void countTokensAnswersWithAGatewayKey() throws Exception {
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages/count_tokens", BODY,
                "x-api-key", GATEWAY_KEY);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("input_tokens").asLong()).isPositive();
    }

    @Test
    void keysNeverReachTheAccessLog() throws Exception {
        HttpResponse<String> admitted = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY,
                "x-api-key", GATEWAY_KEY);
        HttpResponse<String> refused = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY,
                "x-api-key", "wrong-key-000000");

        // line() waits for each request's line, which is written once its answer is on the wire.
        assertThat(accessLog.line(admitted.headers().firstValue("request-id").orElseThrow())).contains(" status=200 ");
        assertThat(accessLog.line(refused.headers().firstValue("request-id").orElseThrow())).contains(" status=401 ");
        assertThat(String.join("\n", accessLog.lines()))
                .doesNotContain(GATEWAY_KEY, PROVIDER_KEY, "wrong-key-000000");
    }

    @Test
    void aProviderWithoutKeysUnderAuthIsAConfigurationErrorNamingIt() {
        assertThatThrownBy(() -> RunningGateway.start(upstream, config -> config.withAuth(auth(GATEWAY_KEY))).close())
                .isInstanceOf(ConfigException.class)
                .hasMessage("the built-in openrouter provider has no key of its own: with auth.keys the gateway "
                        + "uses each provider's own keys and never forwards a client's key (add it under providers: "
                        + "with api_keys: [\"${OPENROUTER_API_KEY}\"])");
        assertThatThrownBy(() -> RunningGateway.start(upstream, config -> config
                .withProviders(List.of(Providers.openRouter(upstream, PROVIDER_KEY), Providers.at("deepseek", upstream)))
                .withAuth(auth(GATEWAY_KEY))).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("providers[1].api_keys must be set for provider deepseek: ");
    }
}
