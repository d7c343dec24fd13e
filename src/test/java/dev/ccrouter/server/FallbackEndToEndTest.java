package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Fallbacks and cooldown through the real server: the default route {@code primary,model-a} falls back to
 * {@code backup,model-b}, each served by its own fake provider; a target that failed is skipped for the cooldown
 * (an hour here, so it never ends during a test; {@code TargetCooldownsTest} covers its end with a clock).
 */
class FallbackEndToEndTest {
    private static final String OVERLOADED = "{\"error\":{\"message\":\"Provider overloaded\",\"code\":503}}";

    FakeUpstream primary;
    FakeUpstream backup;
    RunningGateway gateway;
    AnthropicClient client;
    AccessLogCapture accessLog;

    @BeforeEach
    void start() {
        primary = FakeUpstream.start();
        backup = FakeUpstream.start();
        accessLog = new AccessLogCapture();
        backup.answer(FakeUpstream.text("From the backup."));
        primary.answer(FakeUpstream.text("From the primary."));
    }

    @AfterEach
    void stop() {
        accessLog.close();
        if (gateway != null) {
            gateway.close();
        }
        primary.close();
        backup.close();
    }

    private void startGateway(FakeUpstream first, UnaryOperator<dev.ccrouter.config.GatewayConfig> more) {
        gateway = RunningGateway.start(backup, config -> more.apply(config
                .withProviders(List.of(Providers.at("primary", first), Providers.at("backup", backup)))
                .withRoutes(new RouteSettings("primary,model-a", null, null, null, 60_000, null, null,
                        Map.of("primary,model-a", List.of("backup,model-b"))).withCooldown(Duration.ofHours(1)))));
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-client-key").maxRetries(0)
                .build();
    }

    private void startGateway() {
        startGateway(primary, UnaryOperator.identity());
    }

    private static MessageCreateParams params() {
        return MessageCreateParams.builder().model("claude-sonnet-5").maxTokens(1024).addUserMessage("Hi").build();
    }

    /** One streamed answer, every event validated by the SDK, with the headers that name its route and target. */
    private Answered streamed() {
        MessageAccumulator message = MessageAccumulator.create();
        try (HttpResponseFor<StreamResponse<RawMessageStreamEvent>> raw =
                     client.messages().withRawResponse().createStreaming(params());
             StreamResponse<RawMessageStreamEvent> events = raw.parse()) {
            events.stream().forEach(event -> message.accumulate(event.validate()));
            return new Answered(message.message().validate(), header(raw, "X-CCRouter-Route"),
                    header(raw, "X-CCRouter-Provider"), header(raw, "request-id"));
        }
    }

    private Answered whole() {
        HttpResponseFor<Message> raw = client.messages().withRawResponse().create(params());
        return new Answered(raw.parse().validate(), header(raw, "X-CCRouter-Route"),
                header(raw, "X-CCRouter-Provider"), header(raw, "request-id"));
    }

    private static String header(HttpResponseFor<?> raw, String name) {
        return raw.headers().values(name).getFirst();
    }

    record Answered(Message message, String route, String provider, String requestId) {
        String text() {
            return message.content().getFirst().asText().text();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 429, 500, 502, 503, 529})
    void aFailingTargetGivesWayToItsFallbackAndCoolsDown(int status) {
        primary.answer(FakeUpstream.json(status, OVERLOADED));
        startGateway();

        Answered first = streamed();

        assertThat(first.text()).isEqualTo("From the backup.");
        assertThat(first.route()).isEqualTo("default");
        assertThat(first.provider()).isEqualTo("backup,model-b");
        assertThat(primary.requests()).extracting(r -> r.body().path("model").asText()).containsExactly("model-a");
        assertThat(backup.requests()).extracting(r -> r.body().path("model").asText()).containsExactly("model-b");
        assertThat(accessLog.line(first.requestId())).contains(" status=200 ", " route=default ",
                " provider=backup,model-b ", " fallbacks=1 retries=0 ");

        Answered second = streamed();

        assertThat(second.provider()).isEqualTo("backup,model-b");
        assertThat(primary.requests()).as("the cooling target is skipped").hasSize(1);
        assertThat(backup.requests()).hasSize(2);
        assertThat(accessLog.line(second.requestId())).contains(" provider=backup,model-b ", " fallbacks=0 ");
    }

    @Test
    void aRateLimitOnOneClientsForwardedKeyCoolsTheTargetForThatClientOnly() {
        primary.answer((request, res) -> (request.headers().get("authorization").equals("Bearer sk-spent-key")
                ? FakeUpstream.json(429, "{\"error\":{\"message\":\"Rate limit exceeded\",\"code\":429}}")
                : FakeUpstream.text("From the primary.")).answer(request, res));
        startGateway();
        AnthropicClient spent = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-spent-key")
                .maxRetries(0).build();

        Message first = spent.messages().create(params()).validate();
        Message again = spent.messages().create(params()).validate();
        Answered other = whole();

        assertThat(first.content().getFirst().asText().text()).isEqualTo("From the backup.");
        assertThat(again.content().getFirst().asText().text()).isEqualTo("From the backup.");
        assertThat(other.provider()).as("another client's key is not rate-limited").isEqualTo("primary,model-a");
        assertThat(primary.requests()).extracting(r -> r.headers().get("authorization"))
                .as("the spent key's client skips the primary while it cools for that key")
                .containsExactly("Bearer sk-spent-key", "Bearer sk-client-key");
        assertThat(backup.requests()).hasSize(2);
    }

    @Test
    void claudeCodeSizedBodiesReachEveryTargetWhole() {
        primary.answer(FakeUpstream.json(503, OVERLOADED));
        startGateway();
        String first = "first ".repeat(20_000); // 120 KB, to the primary and then the backup
        String second = "two ".repeat(15_000); // 60 KB, straight to the backup while the primary cools down

        Message viaBackup = client.messages().create(MessageCreateParams.builder().model("claude-sonnet-5")
                .maxTokens(1024).addUserMessage(first).build()).validate();
        Message again = client.messages().create(MessageCreateParams.builder().model("claude-sonnet-5")
                .maxTokens(1024).addUserMessage(second).build()).validate();

        assertThat(viaBackup.content().getFirst().asText().text()).isEqualTo("From the backup.");
        assertThat(again.content().getFirst().asText().text()).isEqualTo("From the backup.");
        assertThat(primary.requests()).hasSize(1); // cooling down for the second
        assertThat(primary.requests().getFirst().body().path("model").asText()).isEqualTo("model-a");
        assertThat(userText(primary.requests().getFirst())).isEqualTo(first);
        assertThat(backup.requests()).extracting(request -> request.body().path("model").asText())
                .containsExactly("model-b", "model-b");
        assertThat(backup.requests()).extracting(FallbackEndToEndTest::userText).containsExactly(first, second);
    }

    private static String userText(FakeUpstream.Recorded request) {
        JsonNode content = request.body().path("messages").path(0).path("content");
        return content.isTextual() ? content.asText() : content.path(0).path("text").asText();
    }

    @Test
    void anUnreachableTargetGivesWayToItsFallback() {
        FakeUpstream gone = FakeUpstream.start();
        gone.close();
        startGateway(gone, UnaryOperator.identity());

        Answered answer = whole();

        assertThat(answer.text()).isEqualTo("From the backup.");
        assertThat(answer.provider()).isEqualTo("backup,model-b");
        assertThat(accessLog.line(answer.requestId())).contains(" fallbacks=1 ");
    }

    @Test
    void aTargetThatDoesNotAnswerInTimeGivesWayToItsFallback() {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        primary.answer(FakeUpstream.held(started, release, FakeUpstream.text("Too late.")));
        startGateway(primary, config -> config.withReadTimeout(Duration.ofMillis(300)));
        try {
            Answered answer = streamed();

            assertThat(answer.text()).isEqualTo("From the backup.");
            assertThat(answer.provider()).isEqualTo("backup,model-b");
            assertThat(started.getCount()).as("the primary was asked first").isZero();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aClientErrorIsTheAnswerAndCoolsNothing() {
        primary.answer(FakeUpstream.json(400, "{\"error\":{\"message\":\"max_tokens is too large\",\"code\":400}}"));
        startGateway();

        assertThatThrownBy(this::whole).isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(400);
            assertThat(e.headers().values("X-CCRouter-Provider")).containsExactly("primary,model-a");
        });
        primary.answer(FakeUpstream.text("From the primary."));
        assertThat(whole().provider()).isEqualTo("primary,model-a");
        assertThat(backup.requests()).isEmpty();
    }

    @Test
    void afterTheFirstByteNothingIsRetried() throws Exception {
        primary.answer(FakeUpstream.raw(
                "data: {\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Half an ans\"}}]}\n\n"));
        startGateway();

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,\"stream\":true,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "x-api-key", "sk-client-key");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-CCRouter-Provider")).hasValue("primary,model-a");
        assertThat(SseCapture.eventNames(response.body())).endsWith("content_block_delta", "error");
        assertThat(backup.requests()).isEmpty();
    }

    @Test
    void whenEveryTargetIsCoolingTheFirstIsTriedAnywayAndTrustedAgainWhenItAnswers() {
        primary.answer(FakeUpstream.json(503, OVERLOADED));
        backup.answer(FakeUpstream.json(503, OVERLOADED));
        startGateway();

        assertThatThrownBy(this::whole).isInstanceOfSatisfying(AnthropicServiceException.class,
                e -> assertThat(e.statusCode()).as("a provider's 503 is Anthropic's overloaded").isEqualTo(529));
        assertThat(primary.requests()).hasSize(1);
        assertThat(backup.requests()).hasSize(1);

        assertThatThrownBy(this::whole).isInstanceOfSatisfying(AnthropicServiceException.class,
                e -> assertThat(e.headers().values("X-CCRouter-Provider")).containsExactly("primary,model-a"));
        assertThat(primary.requests()).as("both cooling: the first alone is tried").hasSize(2);
        assertThat(backup.requests()).hasSize(1);

        primary.answer(FakeUpstream.text("From the primary."));
        assertThat(whole().provider()).isEqualTo("primary,model-a");
        assertThat(whole().provider()).as("it answered, so it is no longer cooling").isEqualTo("primary,model-a");
        assertThat(primary.requests()).hasSize(4);
        assertThat(backup.requests()).hasSize(1);
    }
}
