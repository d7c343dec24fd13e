package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.EveryLogLine;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A client that pastes its own key into the {@code model} field (ANTHROPIC_MODEL set to the key) finds it in no log
 * line, no ledger row and no metrics label, whatever the key's shape: not only {@code sk-…} keys, but Google's
 * {@code AIza…}, Groq's {@code gsk_…}, xAI's {@code xai-…} and a gateway key of any shape.
 */
class KeyInModelNameTest {
    FakeUpstream upstream;
    RunningGateway gateway;
    EveryLogLine lines;

    @BeforeEach
    void start() {
        lines = new EveryLogLine();
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream);
    }

    @AfterEach
    void stop() {
        gateway.close();
        upstream.close();
        lines.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"AIzaSyPLANTED3kQ9vX2mB7nR4tW8yZ1cF6hJ0", "gsk_PLANTEDb2c4d6e8f0a1c3e5g7i9k1m3o5q7",
            "xai-PLANTED8d1e4b7c0f3a6d9e2b5c8f1a4d7e0b3c6f9a2d5"})
    void aPastedKeyOfAnyShapeIsInNoLogLineLedgerRowOrMetricsLabel(String key) throws Exception {
        upstream.answer(FakeUpstream.json(200, """
                {"id":"gen-1","object":"chat.completion","model":"some/model",
                 "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}],
                 "usage":{"prompt_tokens":10,"completion_tokens":2}}"""));
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                "{\"model\":\"" + key + "\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-api-key", key);
        String requestId = response.headers().firstValue("request-id").orElseThrow();
        String planted = key.substring(4).toLowerCase(Locale.ROOT);

        LedgerStore ledger = new LedgerStore(() -> LedgerDatabase.connect(LedgerSettings.defaults(gateway.dataDir())));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ledger.count() == 1);
        List<LedgerEntry> rows = new ArrayList<>();
        ledger.forEach(null, null, rows::add);
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.requestId()).isEqualTo(requestId);
            assertThat(row.requestedModel()).isEqualTo("[redacted]");
            assertThat(String.valueOf(row.upstreamModel())).doesNotContainIgnoringCase(planted);
            assertThat(row.toString()).doesNotContainIgnoringCase(planted);
        });

        String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(scrape).contains("ccrouter_requests_total").doesNotContainIgnoringCase(planted);

        assertThat(lines.events()).map(ILoggingEvent::getFormattedMessage)
                .anyMatch(line -> line.startsWith(requestId + " status=" + response.statusCode() + " model=[redacted] "))
                .noneMatch(line -> line.toLowerCase(Locale.ROOT).contains(planted));
    }

    /**
     * {@code X-CCRouter-Provider} names the target, whose model is the client's own when the route passes it on: a key
     * in it is redacted there as in the error's body, whether it is the request's key (of any shape) or shaped like
     * one, on the answer (an error here) and on {@code count_tokens}.
     */
    @ParameterizedTest
    @CsvSource({
            "sk-or-v1-LEAKCHECK0123456789abcdef, sk-test",
            "AIzaSyPLANTED3kQ9vX2mB7nR4tW8yZ1cF6hJ0, AIzaSyPLANTED3kQ9vX2mB7nR4tW8yZ1cF6hJ0",
    })
    void aPastedKeyIsRedactedInTheProviderHeader(String pasted, String key) throws Exception {
        upstream.answer(FakeUpstream.json(404, "{\"error\":{\"code\":404,\"message\":\"No such model\"}}"));
        String body = "{\"model\":\"echomodel-" + pasted + "\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        HttpResponse<String> answer = SseCapture.post(gateway.baseUrl() + "/v1/messages", body, "x-api-key", key);
        HttpResponse<String> count = SseCapture.post(gateway.baseUrl() + "/v1/messages/count_tokens", body,
                "x-api-key", key);

        assertThat(answer.statusCode()).isEqualTo(404);
        assertThat(answer.headers().firstValue("X-CCRouter-Provider")).hasValue("openrouter,echomodel-[redacted]");
        assertThat(count.statusCode()).isEqualTo(200);
        assertThat(count.headers().firstValue("X-CCRouter-Provider")).hasValue("openrouter,echomodel-[redacted]");
    }

    /**
     * A model that refuses an optional field by name is logged at INFO with its {@code provider,model} label, the
     * client's words: a key pasted into the model is redacted there as in the access log's {@code model=} — the
     * client's own key forwarded, a gateway key of any shape under {@code auth.keys}, and any {@code sk-…} token.
     */
    @ParameterizedTest
    @CsvSource({
            "sk-or-v1-LEAKCHECK0123456789abcdef, sk-or-v1-LEAKCHECK0123456789abcdef, false",
            "gk-GATEWAYLEAK-0123456789abcdef, gk-GATEWAYLEAK-0123456789abcdef, true",
            "sk-or-v1-LEAKCHECK0123456789abcdef, gk-OTHERGATEWAYKEY-zyxwvutsrq, true"})
    void aPastedKeyIsInNoLineSayingTheModelRefusedAField(String pasted, String presented, boolean gatewayKeys)
            throws Exception {
        if (gatewayKeys) {
            gateway.close();
            gateway = RunningGateway.start(upstream, config -> config
                    .withProviders(List.of(Providers.openRouter(upstream, "sk-or-provider-key-0123456789")))
                    .withAuth(new AuthSettings(List.of(AuthSettings.ClientKey.of(presented)), List.of())));
        }
        upstream.answer((request, res) -> (request.body().has("temperature")
                ? FakeUpstream.json(400, """
                        {"error":{"message":"Unsupported parameter: 'temperature' is not supported with this model.",\
                        "type":"invalid_request_error","param":"temperature","code":"unsupported_parameter"}}""")
                : FakeUpstream.text("Done.")).answer(request, res));

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                "{\"model\":\"erefused-" + pasted + "\",\"temperature\":0.5,\"max_tokens\":100,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "x-api-key", presented);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String planted = pasted.substring(4).toLowerCase(Locale.ROOT);
        assertThat(lines.events()).map(ILoggingEvent::getFormattedMessage)
                .contains("openrouter,erefused-[redacted] refused the request field 'temperature' (HTTP 400): "
                        + "it is left out of that model's requests from now on")
                .noneMatch(line -> line.toLowerCase(Locale.ROOT).contains(planted));
    }
}
