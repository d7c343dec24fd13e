package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The price catalog ({@code <upstream>/models}) is fetched in the background, first once the first request has ended: a
 * catalog that hangs or fails delays neither the start nor any request, which are priced from the bundled snapshot
 * until a fetch succeeds.
 */
class PricingOffTheRequestPathTest {
    static final String REQUEST = "{\"model\":\"claude-opus-4-6\",\"max_tokens\":10,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String COMPLETION = """
            {"id":"gen-1","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}],
             "usage":{"prompt_tokens":1000,"completion_tokens":100,"cost":0.0075}}""";

    FakeUpstream upstream;
    RunningGateway gateway;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        upstream.answer(FakeUpstream.json(200, COMPLETION));
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    @Test
    void aFreshGatewayFetchesTheCatalogOnlyOnceItsFirstRequestHasEnded() throws Exception {
        CountDownLatch fetching = new CountDownLatch(1);
        upstream.models(FakeUpstream.held(fetching, new CountDownLatch(0), FakeUpstream.json(200, "{\"data\": []}")));
        gateway = RunningGateway.start(upstream);

        // The first request has both cores: no fetch before it, nor during it.
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> fetching.getCount() == 1);
        assertThat(post().headers().firstValue("X-CCRouter-Cost-Total")).contains("0.0075");

        assertThat(fetching.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aCatalogThatHangsDelaysNeitherTheStartNorARequest() throws Exception {
        CountDownLatch fetching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        upstream.models(FakeUpstream.held(fetching, release, FakeUpstream.json(200, "{\"data\": []}")));
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(15), () -> { // a hang, not a slow machine
                gateway = RunningGateway.start(upstream);
                post(); // the first request, after which the fetch begins
                assertThat(fetching.await(5, TimeUnit.SECONDS)).isTrue(); // the fetch is under way, and stuck

                HttpResponse<String> response = post();

                // $5/$25 per MTok from the bundled snapshot: 1000 × 0.000005 + 100 × 0.000025.
                assertThat(response.headers().firstValue("X-CCRouter-Cost-Total")).contains("0.0075");
            });
        } finally {
            release.countDown();
        }
    }

    @Test
    void aCatalogThatFailsLeavesTheSnapshotPricing() throws Exception {
        CountDownLatch answered = new CountDownLatch(1);
        upstream.models((request, res) -> {
            FakeUpstream.json(502, "{\"error\":{\"code\":502,\"message\":\"bad gateway\"}}").answer(request, res);
            answered.countDown();
        });
        gateway = RunningGateway.start(upstream);
        post(); // the first request, after which the fetch begins
        assertThat(answered.await(5, TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> response = post();

        assertThat(response.headers().firstValue("X-CCRouter-Cost-Total")).contains("0.0075");
        assertThat(response.headers().firstValue("X-CCRouter-Cost-Upstream")).contains("0.0075");
    }

    @Test
    void aFetchedCatalogPricesLaterRequests() {
        upstream.models(FakeUpstream.json(200, """
                {"data": [{"id": "anthropic/claude-opus-4.6",
                           "pricing": {"prompt": "0.000006", "completion": "0.00003"}}]}"""));
        gateway = RunningGateway.start(upstream);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(post().headers().firstValue("X-CCRouter-Cost-Total")).contains("0.009"));
        // The prices are swapped in memory first and saved for the next start just after.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(gateway.dataDir().resolve("pricing/models.json")).exists());
    }

    private HttpResponse<String> post() throws Exception {
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST, "x-api-key", "sk-test");
        assertThat(response.statusCode()).isEqualTo(200);
        return response;
    }
}
