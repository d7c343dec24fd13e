package dev.ccrouter.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.CacheTtls;
import dev.ccrouter.api.anthropic.Usage;
import org.junit.jupiter.api.Test;

/**
 * OpenRouter's generation records ({@code GET /generation?id=}) read as the usage a stream would have ended with, and
 * billed by the same accounting. Prices: {@link UsageAccountingTest#CATALOG} (Sonnet 4.6: $3 in, $15 out, $0.30
 * read, $3.75 5-minute write per million).
 */
class GenerationStatsTest {

    @Test
    void aRecordReadsAsTheUsageItsStreamWouldHaveEndedWith() throws Exception {
        JsonNode usage = GenerationStats.usage(json("""
                {"data":{"id":"gen-1","tokens_prompt":51870,"tokens_completion":38,"native_tokens_prompt":52000,
                 "native_tokens_completion":40,"native_tokens_reasoning":12,"native_tokens_cached":48000,
                 "total_cost":0.029625,"is_byok":false,"upstream_inference_cost":null,"cancelled":true}}"""));

        assertThat(usage).isEqualTo(json("""
                {"prompt_tokens":52000,"completion_tokens":40,"prompt_tokens_details":{"cached_tokens":48000},
                 "completion_tokens_details":{"reasoning_tokens":12},"cost":0.029625}"""));
    }

    @Test
    void normalisedCountsStandInForMissingNativeOnes() throws Exception {
        JsonNode usage = GenerationStats.usage(json("""
                {"data":{"tokens_prompt":900,"tokens_completion":80,"native_tokens_prompt":null,
                 "native_tokens_completion":null,"native_tokens_cached":null,"total_cost":0.0011}}"""));

        assertThat(usage).isEqualTo(json("{\"prompt_tokens\":900,\"completion_tokens\":80,\"cost\":0.0011}"));
    }

    @Test
    void withByokTheProvidersChargeIsTheUpstreamInferenceCost() throws Exception {
        JsonNode usage = GenerationStats.usage(json("""
                {"data":{"native_tokens_prompt":1000,"native_tokens_completion":10,"total_cost":0.00012,
                 "is_byok":true,"upstream_inference_cost":0.00315}}"""));

        assertThat(usage).isEqualTo(json("""
                {"prompt_tokens":1000,"completion_tokens":10,"cost":0.00012,"is_byok":true,
                 "cost_details":{"upstream_inference_cost":0.00315}}"""));
    }

    @Test
    void anAnswerWithoutAPromptCountIsNoRecord() throws Exception {
        assertThat(GenerationStats.usage(json("{\"error\":{\"code\":404,\"message\":\"Generation not found\"}}")))
                .isNull();
        assertThat(GenerationStats.usage(json("{\"data\":{\"id\":\"gen-1\",\"native_tokens_prompt\":null}}")))
                .isNull();
        assertThat(GenerationStats.usage(json("{\"data\":[]}"))).isNull();
        assertThat(GenerationStats.usage(null)).isNull();
    }

    @Test
    void anInterruptedTurnIsBilledExactlyWithItsCacheWritesInferredFromTheCharge() throws Exception {
        JsonNode usage = GenerationStats.usage(json("""
                {"data":{"native_tokens_prompt":52000,"native_tokens_completion":40,"native_tokens_reasoning":0,
                 "native_tokens_cached":48000,"total_cost":0.029625}}"""));

        Bill bill = UsageAccounting.account(usage, CacheTtls.FIVE_MINUTES,
                UsageAccountingTest.CATALOG.get("anthropic/claude-sonnet-4.6"));

        // 500 × 3 + 48,000 × 0.30 + 3,500 × 3.75 + 40 × 15, per million
        assertThat(bill.usage()).isEqualTo(new Usage(500, 40, 3500, 48000, 3500, 0, 0));
        assertThat(bill.cacheWrites()).isEqualTo(CacheWrites.INFERRED);
        assertThat(bill.cost().total()).isEqualByComparingTo("0.029625");
        assertThat(bill.residual()).isEqualByComparingTo("0");
        assertThat(bill.estimated()).isFalse();
    }

    private static JsonNode json(String text) throws Exception {
        return UsageAccountingTest.JSON.readTree(text);
    }
}
