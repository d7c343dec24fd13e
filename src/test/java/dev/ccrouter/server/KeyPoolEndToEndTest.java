package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.HttpResponseFor;
import com.anthropic.errors.AnthropicServiceException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.Routes;
import dev.ccrouter.testing.RunningGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A provider's key pool through the real server: which key each upstream call carried. The client's own key is never
 * sent to a provider that has keys of its own.
 */
class KeyPoolEndToEndTest {
    private static final String KEY_ONE = "sk-pool-one-1111";
    private static final String KEY_TWO = "sk-pool-two-2222";
    private static final String KEY_THREE = "sk-pool-three-3333";

    FakeUpstream provider;
    RunningGateway gateway;
    AnthropicClient client;
    AccessLogCapture accessLog;

    @BeforeEach
    void start() {
        provider = FakeUpstream.start();
        provider.answer(FakeUpstream.text("Done."));
        accessLog = new AccessLogCapture();
        gateway = RunningGateway.start(provider, config -> config
                .withProviders(List.of(Providers.at("pooled", provider, KEY_ONE, KEY_TWO, KEY_THREE)))
                .withRoutes(Routes.to("pooled,model-p")
                        .withCooldown(Duration.ofHours(1))));
        client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-client-own-key").maxRetries(0)
                .build();
    }

    @AfterEach
    void stop() {
        accessLog.close();
        gateway.close();
        provider.close();
    }

    private HttpResponseFor<Message> ask() {
        return client.messages().withRawResponse().create(MessageCreateParams.builder().model("claude-sonnet-5")
                .maxTokens(100).addUserMessage("Hi").build());
    }

    private List<String> keysSent() {
        return provider.requests().stream().map(r -> r.headers().get("authorization")).toList();
    }

    @Test
    void keysAreUsedRoundRobinAndTheClientKeyNeverLeaves() {
        for (int i = 0; i < 4; i++) {
            assertThat(ask().parse().content().getFirst().asText().text()).isEqualTo("Done.");
        }

        assertThat(keysSent()).containsExactly("Bearer " + KEY_ONE, "Bearer " + KEY_TWO, "Bearer " + KEY_THREE,
                "Bearer " + KEY_ONE);
    }

    @Test
    void aRateLimitedKeyRestsForItsRetryAfterAndTheCallIsRetriedWithTheNext() throws Exception {
        provider.answer((request, res) -> {
            if (request.headers().get("authorization").equals("Bearer " + KEY_ONE)) {
                FakeUpstream.json(429, "{\"error\":{\"message\":\"Rate limit exceeded\",\"code\":429}}",
                        "retry-after", "3600").answer(request, res);
            } else {
                FakeUpstream.text("Done.").answer(request, res);
            }
        });

        HttpResponseFor<Message> first = ask();
        assertThat(first.parse().content().getFirst().asText().text()).isEqualTo("Done.");
        assertThat(accessLog.line(first.headers().values("request-id").getFirst()))
                .contains(" status=200 ", " provider=pooled,model-p ", " fallbacks=0 retries=1 ");
        ask();
        ask();

        assertThat(keysSent()).as("key one rests after its 429").containsExactly(
                "Bearer " + KEY_ONE, "Bearer " + KEY_TWO, "Bearer " + KEY_THREE, "Bearer " + KEY_TWO);
        LedgerStore ledger = new LedgerStore(() -> LedgerDatabase.connect(LedgerSettings.defaults(gateway.dataDir())));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ledger.count() == 3);
        List<Integer> retries = new ArrayList<>();
        ledger.forEach(null, null, row -> retries.add(row.retries()));
        assertThat(retries).as("the ledger's retries, as the access log's").containsExactly(1, 0, 0);
    }

    /** OpenRouter's 402: this key's account (or its credit limit) has run out; another key's has not. */
    @Test
    void aKeyOutOfCreditsRestsAndTheCallIsRetriedWithTheNext() {
        provider.answer((request, res) -> {
            if (request.headers().get("authorization").equals("Bearer " + KEY_ONE)) {
                FakeUpstream.json(402, "{\"error\":{\"message\":\"Insufficient credits. Add more using "
                        + "https://openrouter.ai/settings/credits\",\"code\":402}}").answer(request, res);
            } else {
                FakeUpstream.text("Done.").answer(request, res);
            }
        });

        HttpResponseFor<Message> first = ask();
        assertThat(first.parse().content().getFirst().asText().text()).isEqualTo("Done.");
        assertThat(accessLog.line(first.headers().values("request-id").getFirst())).contains(" retries=1 ");
        ask();
        ask();

        assertThat(keysSent()).as("key one rests after its 402").containsExactly(
                "Bearer " + KEY_ONE, "Bearer " + KEY_TWO, "Bearer " + KEY_THREE, "Bearer " + KEY_TWO);
    }

    @Test
    void whenEveryKeyIsRefusedTheClientGetsTheRefusalWithoutTheKeyAndTheLeastRestedKeyIsUsedNext() {
        provider.answer((request, res) -> FakeUpstream.json(401, "{\"error\":{\"message\":\"Incorrect API key "
                + "provided: " + request.headers().get("authorization").substring(7) + "\",\"code\":401}}")
                .answer(request, res));

        List<String> refusedRequestId = new ArrayList<>();
        assertThatThrownBy(this::ask).isInstanceOfSatisfying(AnthropicServiceException.class, e -> {
            refusedRequestId.addAll(e.headers().values("request-id"));
            assertThat(e.statusCode()).isEqualTo(401);
            assertThat(e.getMessage()).contains("Incorrect API key provided: [redacted]")
                    .doesNotContain(KEY_ONE, KEY_TWO, KEY_THREE, "sk-client-own-key");
        });
        assertThat(keysSent()).containsExactly("Bearer " + KEY_ONE, "Bearer " + KEY_TWO, "Bearer " + KEY_THREE);

        provider.answer(FakeUpstream.text("Done."));
        HttpResponseFor<Message> answered = ask();

        assertThat(keysSent().getLast()).as("every key rests; key one's rest ends first").isEqualTo("Bearer " + KEY_ONE);
        assertThat(accessLog.line(refusedRequestId.getFirst())).contains(" status=401 ");
        accessLog.line(answered.headers().values("request-id").getFirst()); // written once the answer is sent
        assertThat(String.join("\n", accessLog.lines())).doesNotContain(KEY_ONE, KEY_TWO, KEY_THREE);
    }
}
