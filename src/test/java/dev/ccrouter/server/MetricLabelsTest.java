package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /metrics' labels come from what the client sends: they must stay few, and never hold a key. */
class MetricLabelsTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** A key a user pasted into ANTHROPIC_MODEL by mistake (it is also the key the request carries). */
    static final String PASTED_KEY = "sk-or-v1-pasted-0c4e6a8b1d3f5a7c9e2b4d6f8a0c2e4f";

    static FakeUpstream upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        upstream.answer(FakeUpstream.json(404, "{\"error\":{\"code\":404,\"message\":\"No such model\"}}"));
        gateway = RunningGateway.start(upstream);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    /** 400 made-up names: at most the bound of them get a label of their own, the rest are counted as "other". */
    @Test
    void modelNamesMadeUpByAClientShareOneLabelPastTheBound() throws Exception {
        int distinct = 400;
        for (int i = 0; i < distinct; i++) {
            HttpResponse<String> response = post("made-up-model-" + i, "sk-any-client-key");
            assertThat(response.statusCode()).isEqualTo(404);
        }
        String metrics = await().atMost(Duration.ofSeconds(5)).until(MetricLabelsTest::scrape,
                text -> notFoundCounted(text) == distinct);
        long models = Pattern.compile("model=\"made-up-model-\\d+\"").matcher(metrics).results()
                .map(m -> m.group()).collect(Collectors.toSet()).size();
        assertThat(models).as("made-up models with a label of their own").isPositive()
                .isLessThanOrEqualTo(GatewayMetrics.MODELS_PER_PROVIDER);
        assertThat(metrics).contains("ccrouter_requests_total{model=\"other\",provider=\"openrouter\",status=\"404\"} "
                + (distinct - models) + ".0");
    }

    /** The 404s counted, under a made-up model's own label or under "other". */
    private static long notFoundCounted(String metrics) {
        Matcher counts = Pattern.compile("ccrouter_requests_total\\{model=\"(made-up-model-\\d+|other)\","
                + "provider=\"openrouter\",status=\"404\"} ([0-9.]+)").matcher(metrics);
        return counts.results().mapToLong(m -> (long) Double.parseDouble(m.group(2))).sum();
    }

    @Test
    void aKeyPastedIntoTheModelIsNotAMetricLabelNorOnTheDashboard() throws Exception {
        upstream.answer(FakeUpstream.text("ok"));
        try {
            assertThat(post(PASTED_KEY, PASTED_KEY).statusCode()).isEqualTo(200);
        } finally {
            upstream.answer(FakeUpstream.json(404, "{\"error\":{\"code\":404,\"message\":\"No such model\"}}"));
        }
        String secretPart = PASTED_KEY.substring(9, 30).toLowerCase(Locale.ROOT);
        String dashboard = await().atMost(Duration.ofSeconds(10)).until(
                () -> get("/dashboard/data"), text -> text.contains("\"requests\":") && !text.contains("\"requests\":0,"));
        String metrics = scrape();
        SoftAssertions.assertSoftly(soft -> {
            soft.assertThat(metrics.toLowerCase(Locale.ROOT)).as("/metrics").doesNotContain(secretPart);
            soft.assertThat(dashboard.toLowerCase(Locale.ROOT)).as("/dashboard/data").doesNotContain(secretPart);
        });
    }

    /**
     * A model name of 300 KB is kept cut, as the access log cuts it: whole, it would be a label held for good and
     * written once per histogram bucket at each scrape (30 names of 5 MB took /metrics to an OutOfMemoryError).
     */
    @Test
    void aModelNameOfThreeHundredKilobytesIsStoredCut() throws Exception {
        String model = "long-model-" + "x".repeat(300_000);
        assertThat(post(model, "sk-any-client-key").statusCode()).isEqualTo(404);
        String cut = model.substring(0, AccessLog.MAX_FIELD_CHARS) + "...(300011 chars)";
        String dashboard = await().atMost(Duration.ofSeconds(10)).until(() -> get("/dashboard/data"),
                text -> text.contains("\"long-model-"));
        String tooMuch = model.substring(0, AccessLog.MAX_FIELD_CHARS + 1);
        // booleans, not the texts: a failure would print the whole name
        assertThat(dashboard.contains(cut)).as("/dashboard/data names the model cut").isTrue();
        assertThat(dashboard.contains(tooMuch)).as("/dashboard/data holds more of the name").isFalse();
        assertThat(scrape().contains(tooMuch)).as("/metrics holds more of the name").isFalse();
    }

    private static HttpResponse<String> post(String model, String key) throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages", "{\"model\":\"" + model + "\",\"max_tokens\":16,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "x-api-key", key);
    }

    private static String scrape() throws Exception {
        return get("/metrics");
    }

    private static String get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
