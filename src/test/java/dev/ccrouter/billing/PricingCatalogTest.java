package dev.ccrouter.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.testing.FakeUpstream;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PricingCatalogTest {
    static final String SONNET = "anthropic/claude-sonnet-4.6";
    static final String LIVE_CATALOG = """
            {"data": [
              {"id": "anthropic/claude-sonnet-4.6", "canonical_slug": "anthropic/claude-4.6-sonnet-20260217",
               "context_length": 1000000, "top_provider": {"context_length": 1000000, "max_completion_tokens": 128000},
               "architecture": {"modality": "text+image->text"}, "supported_parameters": ["tools", "reasoning"],
               "pricing": {"prompt": "0.0000031", "completion": "0.000015", "input_cache_read": "0.00000031",
                           "input_cache_write": "0.000003875", "input_cache_write_1h": "0.0000062",
                           "internal_reasoning": "0", "request": "0", "image": "0.0048", "web_search": "0.01"}},
              {"id": "deepseek/deepseek-chat", "pricing": {"prompt": "0.0000003", "completion": "0.00000085",
                                                           "input_cache_read": "0.00000003"}},
              {"id": "openrouter/auto", "pricing": {"prompt": "-1", "completion": "-1"}},
              {"id": "no/pricing"}
            ]}""";

    @TempDir
    Path dataDir;
    FakeUpstream upstream;
    PricingCatalog catalog;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
    }

    @AfterEach
    void stop() {
        if (catalog != null) {
            catalog.close();
        }
        upstream.close();
    }

    PricingCatalog open(Duration refreshEvery) {
        catalog = new PricingCatalog(URI.create(upstream.baseUrl() + "/models"), dataDir, refreshEvery);
        return catalog;
    }

    @Test
    void theBundledSnapshotPricesTheDefaultModelsOffline() {
        PricingCatalog offline = open(Duration.ZERO);

        assertPrices(offline.find("anthropic/claude-opus-4.6").base(), "0.000005", "0.000025", "0.0000005", "0.00000625", "0.00001");
        assertPrices(offline.find(SONNET).base(), "0.000003", "0.000015", "0.0000003", "0.00000375", "0.000006");
        assertPrices(offline.find("anthropic/claude-haiku-4.5").base(), "0.000001", "0.000005", "0.0000001", "0.00000125", "0.000002");
        assertThat(offline.find(SONNET).pricesAsOf()).isEqualTo("bundled snapshot 2026-11-25");
        assertThat(offline.find("deepseek/deepseek-chat")).isNull();
    }

    @Test
    void aRefreshTakesTheLiveCatalogAndKeepsItOnDisk() throws Exception {
        upstream.models(FakeUpstream.json(200, LIVE_CATALOG));
        PricingCatalog live = open(Duration.ofHours(1));

        assertThat(live.refresh()).isTrue();

        ModelPricing sonnet = live.find(SONNET);
        assertPrices(sonnet.base(), "0.0000031", "0.000015", "0.00000031", "0.000003875", "0.0000062");
        assertThat(sonnet.pricesAsOf()).startsWith("fetched 20");
        assertThat(sonnet.contextLength()).isEqualTo(1_000_000L);
        assertThat(sonnet.maxCompletionTokens()).isEqualTo(128_000L);
        assertThat(live.find("anthropic/claude-4.6-sonnet-20260217")).isEqualTo(sonnet);
        assertThat(live.find("deepseek/deepseek-chat").base().cacheWrite5m()).isNull();
        assertThat(live.find("openrouter/auto").base().prompt()).isNull(); // "-1": the price varies
        assertThat(live.find("no/pricing")).isNull();
        assertThat(live.find("anthropic/claude-haiku-4.5")).isNotNull(); // the snapshot still covers the rest

        String saved = Files.readString(dataDir.resolve("pricing/models.json"));
        assertThat(saved).contains("\"fetched_at\"", "anthropic/claude-sonnet-4.6", "0.0000031")
                .doesNotContain("supported_parameters", "architecture", "no/pricing");
    }

    @Test
    void aRestartDuringAnOutageStartsFromTheSavedCatalog() throws Exception {
        upstream.models(FakeUpstream.json(200, LIVE_CATALOG));
        assertThat(open(Duration.ofHours(1)).refresh()).isTrue();
        catalog.close();
        upstream.models(FakeUpstream.json(503, "{\"error\":{\"code\":503,\"message\":\"down\"}}"));

        PricingCatalog restarted = open(Duration.ofHours(1));

        assertThat(restarted.find(SONNET).base().prompt()).isEqualByComparingTo("0.0000031");
        assertThat(restarted.refresh()).isFalse();
        assertThat(restarted.find(SONNET).base().prompt()).isEqualByComparingTo("0.0000031");
    }

    @Test
    void failedOrUselessAnswersChangeNothing() throws Exception {
        PricingCatalog catalog = open(Duration.ofHours(1));
        ModelPricing before = catalog.find(SONNET);

        for (FakeUpstream.Script answer : new FakeUpstream.Script[] {
                FakeUpstream.json(500, "{}"),
                FakeUpstream.json(200, "not json"),
                FakeUpstream.json(200, "{\"models\": []}"),
                FakeUpstream.json(200, "{\"object\": \"list\", \"data\": [{\"id\": \"llama-3\", \"object\": \"model\"}]}"),
                // pricing objects without one rate ccrouter reads (another catalog's names, or every price "-1")
                FakeUpstream.json(200, "{\"data\": [{\"id\": \"anthropic/claude-sonnet-4.6\", "
                        + "\"pricing\": {\"input\": 3, \"output\": 15}}, {\"id\": \"openrouter/auto\", "
                        + "\"pricing\": {\"prompt\": \"-1\", \"completion\": \"-1\"}}]}")}) {
            upstream.models(answer);
            assertThat(catalog.refresh()).isFalse();
            assertThat(catalog.find(SONNET)).isEqualTo(before);
        }
        assertThat(dataDir.resolve("pricing/models.json")).doesNotExist();
    }

    @Test
    void anHttpCatalogIsFetchedWithoutTheDefaultTrustStoreAndAnHttpsOneWithIt() throws Exception {
        SSLContext httpOnly = open(Duration.ofHours(1)).http().sslContext();
        assertThat(httpOnly).isNotSameAs(SSLContext.getDefault());
        assertThatThrownBy(httpOnly::createSSLEngine).isInstanceOf(UnsupportedOperationException.class)
                .hasMessage("this client fetches over http only");
        assertThat(catalog.http().sslParameters().getProtocols()).isEmpty();
        catalog.close();
        catalog = new PricingCatalog(URI.create("https://openrouter.example/api/v1/models"), dataDir, Duration.ofHours(1));
        assertThat(catalog.http().sslContext()).isSameAs(SSLContext.getDefault());
    }

    @Test
    void anHttpCatalogRedirectingToHttpsFailsLikeAnyUnreadableAnswer() throws Exception {
        PricingCatalog catalog = open(Duration.ofHours(1));
        ModelPricing before = catalog.find(SONNET);
        upstream.models(FakeUpstream.json(302, "{}", "Location",
                upstream.baseUrl().replaceFirst("^http:", "https:") + "/models"));

        assertThat(catalog.refresh()).isFalse();
        assertThat(catalog.find(SONNET)).isEqualTo(before);
        assertThat(dataDir.resolve("pricing/models.json")).doesNotExist();
    }

    @Test
    void aSavedCatalogOlderThanTheSnapshotDoesNotOverrideIt() throws Exception {
        Files.createDirectories(dataDir.resolve("pricing"));
        Files.writeString(dataDir.resolve("pricing/models.json"), """
                {"fetched_at": "2025-01-01T00:00:00Z", "data": [
                  {"id": "anthropic/claude-sonnet-4.6", "pricing": {"prompt": "0.000009", "completion": "0.000045"}},
                  {"id": "old/model", "pricing": {"prompt": "0.000001", "completion": "0.000002"}}]}""");

        PricingCatalog catalog = open(Duration.ZERO);

        assertThat(catalog.find(SONNET).base().prompt()).isEqualByComparingTo("0.000003");
        assertThat(catalog.find("old/model").pricesAsOf()).isEqualTo("fetched 2025-01-01T00:00:00Z");
    }

    @Test
    void anUnreadableSavedCatalogIsIgnored() throws Exception {
        Files.createDirectories(dataDir.resolve("pricing"));
        Files.writeString(dataDir.resolve("pricing/models.json"), "{\"fetched_at\": \"yesterday\", \"data\": [");

        assertThat(open(Duration.ZERO).find(SONNET).base().prompt()).isEqualByComparingTo("0.000003");
    }

    @Test
    void lookupsNeverWaitForASlowCatalog() throws Exception {
        CountDownLatch fetching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        upstream.models(FakeUpstream.held(fetching, release, FakeUpstream.json(200, LIVE_CATALOG)));
        PricingCatalog catalog = open(Duration.ofHours(1));

        catalog.startRefreshing();
        assertThat(fetching.await(10, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        ModelPricing sonnet = catalog.find(SONNET);
        // waiting on the stuck fetch would wait until the release below: any bound tells the two apart
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(500));
        assertThat(sonnet.pricesAsOf()).isEqualTo("bundled snapshot 2026-11-25");
        release.countDown();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> catalog.find(SONNET).pricesAsOf().startsWith("fetched"));
    }

    @Test
    void theFirstFetchWaitsForARequestToEnd() throws Exception {
        CountDownLatch fetching = new CountDownLatch(1);
        PricingCatalog catalog = waitingForARequest(fetching);

        assertNothingFetched(fetching);
        assertThat(catalog.find(SONNET).pricesAsOf()).isEqualTo("bundled snapshot 2026-11-25");
        catalog.requestEnded();
        assertThat(fetching.await(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> catalog.find(SONNET).pricesAsOf().startsWith("fetched"));
    }

    @Test
    void withoutARequestTheFirstFetchBeginsAtTheLatestGiven() {
        upstream.models(FakeUpstream.json(200, LIVE_CATALOG));
        PricingCatalog catalog = open(Duration.ofHours(1));

        catalog.startRefreshing(Duration.ofHours(1), Duration.ofMillis(100));

        await().atMost(Duration.ofSeconds(10)).until(() -> catalog.find(SONNET).pricesAsOf().startsWith("fetched"));
    }

    @Test
    void aCatalogClosedBeforeItsFirstFetchFetchesNothing() {
        CountDownLatch fetching = new CountDownLatch(1);
        PricingCatalog catalog = waitingForARequest(fetching);

        catalog.close();
        catalog.requestEnded();

        assertNothingFetched(fetching);
        assertThat(dataDir.resolve("pricing/models.json")).doesNotExist();
        assertThat(catalog.firstFetch()).isCompletedWithValue(false);
    }

    @Test
    void theFirstFetchIsAwaitableAndSaysWhetherItTookPrices() throws Exception {
        CountDownLatch fetching = new CountDownLatch(1);
        PricingCatalog catalog = waitingForARequest(fetching);
        assertNothingFetched(fetching);
        assertThat(catalog.firstFetch()).isNotDone();

        catalog.requestEnded();

        assertThat(catalog.firstFetch().get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(catalog.find(SONNET).pricesAsOf()).startsWith("fetched");
        assertThat(dataDir.resolve("pricing/models.json")).exists();
    }

    @Test
    void aFailedFirstFetchCompletesWithFalseAndACatalogThatNeverFetchesAtOnce() throws Exception {
        upstream.models(FakeUpstream.json(503, "{\"error\":{\"code\":503,\"message\":\"down\"}}"));
        PricingCatalog failing = open(Duration.ofHours(1));
        failing.startRefreshing(Duration.ZERO, Duration.ZERO);
        assertThat(failing.firstFetch().get(10, TimeUnit.SECONDS)).isFalse();
        failing.close();

        PricingCatalog offline = open(Duration.ZERO);
        offline.startRefreshing(Duration.ZERO, Duration.ZERO);
        assertThat(offline.firstFetch()).isCompletedWithValue(false);
    }

    /** A catalog refreshing as a gateway's does, its first fetch held until a request ends; counts fetching down. */
    private PricingCatalog waitingForARequest(CountDownLatch fetching) {
        upstream.models(FakeUpstream.held(fetching, new CountDownLatch(0), FakeUpstream.json(200, LIVE_CATALOG)));
        PricingCatalog waiting = open(Duration.ofHours(1));
        waiting.startRefreshing(Duration.ZERO, Duration.ofHours(1));
        return waiting;
    }

    private static void assertNothingFetched(CountDownLatch fetching) {
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> fetching.getCount() == 1);
    }

    @Test
    void overridesBecomeTiersAndConditionsWeCannotEvaluateAreSaid() {
        Map<String, ModelPricing> models = OpenRouterModels.read(UsageAccountingTest.json("""
                {"data": [{"id": "google/gemini-2.5-pro", "pricing": {
                  "prompt": "0.00000125", "completion": "0.00001", "discount": 0,
                  "overrides": [
                    {"min_prompt_tokens": 200000, "prompt": "0.0000025", "completion": "0.000015"},
                    {"utc_start": 1630, "utc_end": 30, "prompt": "0.000000625"}]}},
                  {"id": "x/discounted", "pricing": {"prompt": "0.000001", "completion": "0.000002", "discount": 0.25}}]}"""),
                "test");

        ModelPricing gemini = models.get("google/gemini-2.5-pro");
        assertThat(gemini.at(199_999).prompt()).isEqualByComparingTo("0.00000125");
        assertThat(gemini.at(200_000).prompt()).isEqualByComparingTo("0.0000025");
        assertThat(gemini.at(200_000).completion()).isEqualByComparingTo("0.000015");
        assertThat(gemini.caveats()).containsExactly(
                "the catalog lists prices under conditions [utc_end, utc_start] for this model; not applied");
        assertThat(models.get("x/discounted").caveats()).containsExactly(
                "the catalog lists a discount of 0.25 for this model; not applied");
    }

    /** Tiers listed from the highest threshold down still give a prompt the rates of the highest one it reaches. */
    @Test
    void theHighestTierAPromptReachesWinsWhateverTheCatalogsOrder() {
        ModelPricing tiered = OpenRouterModels.read(UsageAccountingTest.json("""
                {"data": [{"id": "x/tiered", "pricing": {"prompt": "0.000003", "completion": "0.000015",
                  "overrides": [{"min_prompt_tokens": 200000, "prompt": "0.000006"},
                                {"min_prompt_tokens": 100000, "prompt": "0.000004"}]}}]}"""), "test").get("x/tiered");

        assertThat(tiered.at(99_999).prompt()).isEqualByComparingTo("0.000003");
        assertThat(tiered.at(150_000).prompt()).isEqualByComparingTo("0.000004");
        assertThat(tiered.at(250_000).prompt()).isEqualByComparingTo("0.000006");
    }

    private static void assertPrices(Prices prices, String prompt, String completion, String read, String write5m,
                                     String write1h) {
        assertThat(prices.prompt()).isEqualByComparingTo(new BigDecimal(prompt));
        assertThat(prices.completion()).isEqualByComparingTo(new BigDecimal(completion));
        assertThat(prices.cacheRead()).isEqualByComparingTo(new BigDecimal(read));
        assertThat(prices.cacheWrite5m()).isEqualByComparingTo(new BigDecimal(write5m));
        assertThat(prices.cacheWrite1h()).isEqualByComparingTo(new BigDecimal(write1h));
    }
}
