package dev.ccrouter.billing;

import static dev.ccrouter.api.anthropic.CacheTtls.FIVE_MINUTES;
import static dev.ccrouter.api.anthropic.CacheTtls.MIXED;
import static dev.ccrouter.api.anthropic.CacheTtls.NONE;
import static dev.ccrouter.api.anthropic.CacheTtls.ONE_HOUR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.CacheTtls;
import dev.ccrouter.api.anthropic.Usage;
import java.math.BigDecimal;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exactness of {@link UsageAccounting}: every row is a usage object as OpenRouter sends it, with a cost that is what
 * the true counts cost at OpenRouter's list prices, and the exact integers and dollars ccrouter must report.
 * Amounts are compared exactly (far below the 1e-9 USD the figures are shown to).
 *
 * <p>Prices per million tokens (Anthropic's list prices, as OpenRouter publishes them): Sonnet 4.6 $3 in, $15 out,
 * $0.30 read, $3.75 5-minute write, $6 1-hour write; Opus 4.6 $5 / $25 / $0.50 / $6.25 / $10; Haiku 4.5
 * $1 / $5 / $0.10 / $1.25 / $2.
 */
class UsageAccountingTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, ModelPricing> CATALOG = OpenRouterModels.read(json("""
            {"data": [
              {"id": "anthropic/claude-sonnet-4.6", "pricing": {"prompt": "0.000003", "completion": "0.000015",
                "input_cache_read": "0.0000003", "input_cache_write": "0.00000375", "input_cache_write_1h": "0.000006",
                "internal_reasoning": "0", "request": "0"}},
              {"id": "anthropic/claude-opus-4.6", "pricing": {"prompt": "0.000005", "completion": "0.000025",
                "input_cache_read": "0.0000005", "input_cache_write": "0.00000625", "input_cache_write_1h": "0.00001",
                "internal_reasoning": "0", "request": "0"}},
              {"id": "anthropic/claude-haiku-4.5", "pricing": {"prompt": "0.000001", "completion": "0.000005",
                "input_cache_read": "0.0000001", "input_cache_write": "0.00000125", "input_cache_write_1h": "0.000002"}},
              {"id": "test/reasoner", "pricing": {"prompt": "0.000001", "completion": "0.000004",
                "internal_reasoning": "0.000002", "request": "0.0005"}},
              {"id": "test/long-context", "pricing": {"prompt": "0.000003", "completion": "0.000015",
                "input_cache_read": "0.0000003", "input_cache_write": "0.00000375",
                "overrides": [{"min_prompt_tokens": 200000, "prompt": "0.000006", "completion": "0.0000225",
                               "input_cache_read": "0.0000006", "input_cache_write": "0.0000075"}]}},
              {"id": "test/no-write-price", "pricing": {"prompt": "0.000003", "completion": "0.000015",
                "input_cache_read": "0.0000003"}},
              {"id": "test/native-search", "pricing": {"prompt": "0.000003", "completion": "0.000015",
                "input_cache_read": "0.0000003", "input_cache_write": "0.00000375", "web_search": "0.01"}}
            ]}"""), "test prices");

    /** What one row must come out as; money as decimal strings, null where it must be unknown. */
    record Expected(Usage usage, CacheWrites writes, String input, String output, String read, String write,
                    String total, String upstream, String residual, String note) {
    }

    static Expected expect(Usage usage, CacheWrites writes, String input, String output, String read, String write,
                           String total, String upstream, String residual) {
        return new Expected(usage, writes, input, output, read, write, total, upstream, residual, null);
    }

    static Expected noted(Expected expected, String note) {
        return new Expected(expected.usage, expected.writes, expected.input, expected.output, expected.read,
                expected.write, expected.total, expected.upstream, expected.residual, note);
    }

    static Usage usage(long input, long output, long read, long write5m, long write1h, long thinking) {
        return new Usage(input, output, write5m + write1h, read, write5m, write1h, thinking);
    }

    static Stream<Arguments> rows() {
        String sonnet = "anthropic/claude-sonnet-4.6";
        return Stream.of(
                // 52 000 prompt tokens: 48 000 read, 3 500 written (5 minutes), 500 after the last breakpoint.
                arguments("reported writes, 5-minute", sonnet, FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300, "total_tokens": 52300,
                         "prompt_tokens_details": {"cached_tokens": 48000, "cache_write_tokens": 3500},
                         "cost": 0.033525}""",
                        expect(usage(500, 300, 48000, 3500, 0, 0), CacheWrites.REPORTED,
                                "0.0015", "0.0045", "0.0144", "0.013125", "0.033525", "0.033525", "0")),
                // The same request without cache_write_tokens: W = (0.033525 − 0.0309) / (3.75 − 3)e-6 = 3 500.
                // (Dividing by the write price instead, the seed's mistake, gives 700: a fifth.)
                arguments("inferred writes, 5-minute", sonnet, FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000}, "cost": 0.033525}""",
                        expect(usage(500, 300, 48000, 3500, 0, 0), CacheWrites.INFERRED,
                                "0.0015", "0.0045", "0.0144", "0.013125", "0.033525", "0.033525", "0")),
                // Every breakpoint ttl "1h": W = (0.0414 − 0.0309) / (6 − 3)e-6 = 3 500, all 1-hour writes.
                arguments("inferred writes, 1-hour", sonnet, ONE_HOUR, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000}, "cost": 0.0414}""",
                        expect(usage(500, 300, 48000, 0, 3500, 0), CacheWrites.INFERRED,
                                "0.0015", "0.0045", "0.0144", "0.021", "0.0414", "0.0414", "0")),
                arguments("reported writes, 1-hour", sonnet, ONE_HOUR, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000, "cache_write_tokens": 3500}, "cost": 0.0414}""",
                        expect(usage(500, 300, 48000, 0, 3500, 0), CacheWrites.REPORTED,
                                "0.0015", "0.0045", "0.0144", "0.021", "0.0414", "0.0414", "0")),
                // Mixed TTLs with a reported count: the cost splits it exactly, 2 500 × 5 min + 1 000 × 1 h.
                arguments("mixed TTLs, reported writes split by the cost", sonnet, MIXED, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000, "cache_write_tokens": 3500}, "cost": 0.035775}""",
                        expect(usage(500, 300, 48000, 2500, 1000, 0), CacheWrites.REPORTED,
                                "0.0015", "0.0045", "0.0144", "0.015375", "0.035775", "0.035775", "0")),
                // Mixed TTLs without a count: one equation, two unknowns. The truth is 2 500 × 5 min + 1 000 × 1 h
                // (8 500 input); at the 5-minute rate the cost explains 6 500 writes, which is reported and noted.
                arguments("mixed TTLs, inferred writes are ambiguous", sonnet, MIXED, """
                        {"prompt_tokens": 60000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000}, "cost": 0.059775}""",
                        noted(expect(usage(5500, 300, 48000, 6500, 0, 0), CacheWrites.INFERRED,
                                "0.0165", "0.0045", "0.0144", "0.024375", "0.059775", "0.059775", "0"),
                                "breakpoints mix 5-minute and 1-hour TTLs: writes inferred at the 5-minute price")),
                arguments("zero writes: the cost is exactly reads, input and output", sonnet, FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000}, "cost": 0.0309}""",
                        expect(usage(4000, 300, 48000, 0, 0, 0), CacheWrites.INFERRED,
                                "0.012", "0.0045", "0.0144", "0", "0.0309", "0.0309", "0")),
                arguments("reads only, no breakpoints (automatic caching)", sonnet, NONE, """
                        {"prompt_tokens": 2006, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 1920, "audio_tokens": 0},
                         "completion_tokens_details": {"reasoning_tokens": 250}, "cost": 0.005334}""",
                        expect(usage(86, 300, 1920, 0, 0, 250), CacheWrites.NONE,
                                "0.000258", "0.0045", "0.000576", "0", "0.005334", "0.005334", "0")),
                // A 150k-token first turn on Opus with 1-hour breakpoints: 148 000 written, 2 000 after them.
                arguments("150k-token prompt, Opus, 1-hour writes inferred", "anthropic/claude-opus-4.6", ONE_HOUR, """
                        {"prompt_tokens": 150000, "completion_tokens": 1200,
                         "prompt_tokens_details": {"cached_tokens": 0},
                         "completion_tokens_details": {"reasoning_tokens": 800}, "cost": 1.52}""",
                        expect(usage(2000, 1200, 0, 0, 148000, 800), CacheWrites.INFERRED,
                                "0.01", "0.03", "0", "1.48", "1.52", "1.52", "0")),
                arguments("150k-token prompt, Haiku, reads and 5-minute writes inferred", "anthropic/claude-haiku-4.5",
                        FIVE_MINUTES, """
                        {"prompt_tokens": 150000, "completion_tokens": 500,
                         "prompt_tokens_details": {"cached_tokens": 140000}, "cost": 0.02875}""",
                        expect(usage(1000, 500, 140000, 9000, 0, 0), CacheWrites.INFERRED,
                                "0.001", "0.0025", "0.014", "0.01125", "0.02875", "0.02875", "0")),
                arguments("cost sent with floating-point noise still infers the exact count", sonnet, FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000}, "cost": 0.033525000000000006}""",
                        expect(usage(500, 300, 48000, 3500, 0, 0), CacheWrites.INFERRED,
                                "0.0015", "0.0045", "0.0144", "0.013125", "0.033525", "0.033525000000000006",
                                "0.000000000000000006")),
                arguments("missing cost: writes cannot be inferred, prices still give a cost", sonnet, FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000}}""",
                        noted(expect(usage(4000, 300, 48000, 0, 0, 0), CacheWrites.UNKNOWN,
                                "0.012", "0.0045", "0.0144", "0", "0.0309", null, null),
                                "cache writes not reported and not inferable (no charged cost): counted as input")),
                arguments("missing cost with reported writes: exact without it", sonnet, FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000, "cache_write_tokens": 3500}}""",
                        noted(expect(usage(500, 300, 48000, 3500, 0, 0), CacheWrites.REPORTED,
                                "0.0015", "0.0045", "0.0144", "0.013125", "0.033525", null, null),
                                "the upstream reported no cost")),
                // DashScope's explicit cache reports its writes as cache_creation_input_tokens beside cached_tokens.
                arguments("DashScope's reported writes, no cost", sonnet, FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000, "cache_creation_input_tokens": 3500,
                           "cache_creation": {"ephemeral_5m_input_tokens": 3500}, "cache_type": "ephemeral"}}""",
                        noted(expect(usage(500, 300, 48000, 3500, 0, 0), CacheWrites.REPORTED,
                                "0.0015", "0.0045", "0.0144", "0.013125", "0.033525", null, null),
                                "the upstream reported no cost")),
                arguments("missing prices: exact tokens, no cost", "someone/unlisted-model", FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000, "cache_write_tokens": 3500}, "cost": 0.03}""",
                        noted(expect(usage(500, 300, 48000, 3500, 0, 0), CacheWrites.REPORTED,
                                null, null, null, null, null, "0.03", null),
                                "no prices for this model in the catalog: cost not computed")),
                arguments("missing prices and no write count: writes unknown", "someone/unlisted-model", FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000}, "cost": 0.03}""",
                        noted(expect(usage(4000, 300, 48000, 0, 0, 0), CacheWrites.UNKNOWN,
                                null, null, null, null, null, "0.03", null),
                                "cache writes not reported and not inferable (no input price): counted as input")),
                arguments("missing write price: writes cannot be inferred", "test/no-write-price", FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000}, "cost": 0.0309}""",
                        noted(expect(usage(4000, 300, 48000, 0, 0, 0), CacheWrites.UNKNOWN,
                                "0.012", "0.0045", "0.0144", "0", "0.0309", "0.0309", "0"),
                                "(no 5-minute cache-write price)")),
                // BYOK: cost is OpenRouter's 5 % fee; the provider's charge drives the inference.
                arguments("BYOK: provider cost infers writes, OpenRouter's fee reported apart", sonnet, FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000}, "cost": 0.00167625, "is_byok": true,
                         "cost_details": {"upstream_inference_cost": 0.033525}}""",
                        expect(usage(500, 300, 48000, 3500, 0, 0), CacheWrites.INFERRED,
                                "0.0015", "0.0045", "0.0144", "0.013125", "0.033525", "0.033525", "0")),
                arguments("BYOK without the provider cost: nothing inferred", sonnet, FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000}, "cost": 0.00167625, "is_byok": true}""",
                        noted(expect(usage(4000, 300, 48000, 0, 0, 0), CacheWrites.UNKNOWN,
                                "0.012", "0.0045", "0.0144", "0", "0.0309", null, null),
                                "BYOK: the upstream did not report the provider's cost")),
                arguments("a cost above every uncached token written is capped", sonnet, FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000}, "cost": 0.05}""",
                        noted(expect(usage(0, 300, 48000, 4000, 0, 0), CacheWrites.INFERRED,
                                "0", "0.0045", "0.0144", "0.015", "0.0339", "0.05", "0.0161"),
                                "implies more cache writes than uncached prompt tokens: capped")),
                arguments("a cost below the counted tokens infers no writes", sonnet, FIVE_MINUTES, """
                        {"prompt_tokens": 52000, "completion_tokens": 300,
                         "prompt_tokens_details": {"cached_tokens": 48000}, "cost": 0.03}""",
                        noted(expect(usage(4000, 300, 48000, 0, 0, 0), CacheWrites.INFERRED,
                                "0.012", "0.0045", "0.0144", "0", "0.0309", "0.03", "-0.0009"),
                                "the charged cost is below the price of the counted tokens")),
                // xAI counts reasoning beside completion_tokens, not in it: total = 663 + 50 + 124 = 837.
                arguments("reasoning outside completion_tokens, as total_tokens shows (xAI)", sonnet, NONE, """
                        {"prompt_tokens": 663, "completion_tokens": 50, "total_tokens": 837,
                         "prompt_tokens_details": {"cached_tokens": 654},
                         "completion_tokens_details": {"reasoning_tokens": 124}}""",
                        noted(expect(usage(9, 174, 654, 0, 0, 124), CacheWrites.NONE,
                                "0.000027", "0.00261", "0.0001962", "0", "0.0028332", null, null),
                                "the upstream reported no cost")),
                arguments("reasoning priced apart, and a request fee", "test/reasoner", NONE, """
                        {"prompt_tokens": 1000, "completion_tokens": 1000,
                         "completion_tokens_details": {"reasoning_tokens": 600}, "cost": 0.0043}""",
                        expect(usage(1000, 1000, 0, 0, 0, 600), CacheWrites.NONE,
                                "0.001", "0.0028", "0", "0", "0.0043", "0.0043", "0")),
                // Past 200k prompt tokens the long-context rates apply to everything: 6 / 22.5 / 0.6 / 7.5.
                arguments("long-context tier, writes inferred at its rates", "test/long-context", FIVE_MINUTES, """
                        {"prompt_tokens": 250000, "completion_tokens": 1000,
                         "prompt_tokens_details": {"cached_tokens": 200000}, "cost": 0.5025}""",
                        expect(usage(10000, 1000, 200000, 40000, 0, 0), CacheWrites.INFERRED,
                                "0.06", "0.0225", "0.12", "0.3", "0.5025", "0.5025", "0")),
                arguments("tokens only, as a plain OpenAI server reports them", "someone/unlisted-model", NONE, """
                        {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}""",
                        noted(expect(usage(100, 20, 0, 0, 0, 0), CacheWrites.NONE,
                                null, null, null, null, null, null, null), "the upstream reported no cost")),
                arguments("absent and null counts read as zero, cached above prompt never goes negative", sonnet,
                        NONE, """
                        {"completion_tokens": null,
                         "prompt_tokens_details": {"cached_tokens": 90, "cache_write_tokens": null}, "cost": "n/a"}""",
                        noted(expect(usage(0, 0, 90, 0, 0, 0), CacheWrites.NONE,
                                "0", "0", "0.000027", "0", "0.000027", null, null),
                                "the upstream reports more cached tokens than prompt tokens")),
                // The bound itself is a count, written as an integer or as a whole float (some servers do).
                arguments("counts at the bound, one written as a float", sonnet, NONE, """
                        {"prompt_tokens": 1000000000, "completion_tokens": 1000000000.0, "cost": 18000}""",
                        expect(usage(1_000_000_000, 1_000_000_000, 0, 0, 0, 0), CacheWrites.NONE,
                                "3000", "15000", "0", "0", "18000", "18000", "0")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void accountsExactly(String name, String model, CacheTtls ttls, String upstreamUsage, Expected expected) {
        Bill bill = UsageAccounting.account(json(upstreamUsage), ttls, CATALOG.get(model));

        assertThat(bill.usage()).isEqualTo(expected.usage());
        assertThat(bill.cacheWrites()).isEqualTo(expected.writes());
        assertMoney(bill.cost().input(), expected.input());
        assertMoney(bill.cost().output(), expected.output());
        assertMoney(bill.cost().cacheRead(), expected.read());
        assertMoney(bill.cost().cacheWrite(), expected.write());
        assertMoney(bill.cost().total(), expected.total());
        assertMoney(bill.upstreamCost(), expected.upstream());
        assertMoney(bill.residual(), expected.residual());
        if (expected.note() == null) {
            assertThat(bill.notes()).isEmpty();
        } else {
            assertThat(bill.notes()).anySatisfy(note -> assertThat(note).contains(expected.note()));
        }
        assertThat(String.join("", bill.notes())).matches("\\p{ASCII}*"); // notes travel in a header too
    }

    /**
     * OpenRouter's web plugin bills its search in the same {@code cost} (Exa: $0.007 a request): inferred from that
     * cost, the fee would pass for 9,333 tokens written to the cache. The writes are left uninferred, and the
     * residual shows the fee the catalog does not price: 500 × $3/M + 48,000 × $0.30/M + 40 × $15/M = $0.0165 of
     * tokens, charged $0.0235. The plugin searches once a request, so without a count of its own the usage says 1.
     */
    @Test
    void aWebSearchFeeInTheChargedCostIsNotTakenForCacheWrites() {
        Bill bill = UsageAccounting.account(json("""
                {"prompt_tokens": 48500, "completion_tokens": 40, "prompt_tokens_details": {"cached_tokens": 48000},
                 "cost": 0.0235}"""), FIVE_MINUTES, CATALOG.get("anthropic/claude-sonnet-4.6"), true);

        assertThat(bill.usage()).isEqualTo(new Usage(500, 40, 0, 48000, 0, 0, 0, 1));
        assertThat(bill.cacheWrites()).isEqualTo(CacheWrites.UNKNOWN);
        assertMoney(bill.cost().webSearch(), "0");
        assertMoney(bill.cost().total(), "0.0165");
        assertMoney(bill.residual(), "0.007");
        assertThat(bill.notes()).contains("cache writes not reported and not inferable (the charged cost includes a "
                + "web search's fee): counted as input", "the catalog lists no web search price for this model: the "
                + "search fee is in the charged cost and the residual, not in the computed cost");
    }

    /**
     * A search the usage reports (OpenRouter's web search server tool, say) put its fee in the charged cost though
     * the gateway did not ask for the plugin: the fee is not taken for 9,333 tokens written to the cache either.
     */
    @Test
    void aSearchTheUsageReportsKeepsItsFeeFromPassingForCacheWrites() {
        Bill bill = UsageAccounting.account(json("""
                {"prompt_tokens": 48500, "completion_tokens": 40, "prompt_tokens_details": {"cached_tokens": 48000},
                 "cost": 0.0235, "server_tool_use_details": {"web_search_requests": 1}}"""), FIVE_MINUTES,
                CATALOG.get("anthropic/claude-sonnet-4.6"), false);

        assertThat(bill.usage()).isEqualTo(new Usage(500, 40, 0, 48000, 0, 0, 0, 1));
        assertThat(bill.cacheWrites()).isEqualTo(CacheWrites.UNKNOWN);
        assertMoney(bill.residual(), "0.007");
    }

    /**
     * The searches the usage reports, in either of OpenRouter's spellings, are the ones Anthropic's usage shows, and
     * where the catalog prices a search ({@code pricing.web_search}, per search) they are in the cost: 2 × $0.01 on
     * top of the $0.0165 of tokens above, exactly what was charged.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "server_tool_use_details | {\"web_search_requests\": 2, \"tool_calls_requested\": 2, \"tool_calls_executed\": 2}",
            "server_tool_use         | {\"web_search_requests\": 2}",
    })
    void reportedSearchesAreCountedAndPricedAtTheCatalogsRate(String field, String searches) {
        Bill bill = UsageAccounting.account(json("""
                {"prompt_tokens": 48500, "completion_tokens": 40, "prompt_tokens_details": {"cached_tokens": 48000},
                 "cost": 0.0365, "%s": %s}""".formatted(field, searches)), NONE, CATALOG.get("test/native-search"),
                true);

        assertThat(bill.usage()).isEqualTo(new Usage(500, 40, 0, 48000, 0, 0, 0, 2));
        assertMoney(bill.cost().webSearch(), "0.02");
        assertMoney(bill.cost().total(), "0.0365");
        assertMoney(bill.residual(), "0");
    }

    @Test
    void byokFeeIsReportedApartFromTheProvidersCost() {
        Bill bill = UsageAccounting.account(json("""
                {"prompt_tokens": 52000, "completion_tokens": 300, "prompt_tokens_details": {"cached_tokens": 48000},
                 "cost": 0.00167625, "is_byok": true, "cost_details": {"upstream_inference_cost": 0.033525}}"""),
                FIVE_MINUTES, CATALOG.get("anthropic/claude-sonnet-4.6"));

        assertMoney(bill.byokFee(), "0.00167625");
        assertMoney(bill.upstreamCost(), "0.033525");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "DeepSeek  | {\"prompt_tokens\": 52000, \"completion_tokens\": 300, \"prompt_cache_hit_tokens\": 48000, \"prompt_cache_miss_tokens\": 4000}",
            "Moonshot  | {\"prompt_tokens\": 52000, \"completion_tokens\": 300, \"cached_tokens\": 48000}",
            "OpenAI    | {\"prompt_tokens\": 52000, \"completion_tokens\": 300, \"prompt_tokens_details\": {\"cached_tokens\": 48000}}",
    })
    void cacheHitsAreReadWhereverTheProviderReportsThem(String provider, String usage) {
        Bill bill = UsageAccounting.account(json(usage), CacheTtls.NONE, null);

        assertThat(bill.usage()).isEqualTo(new Usage(4000, 300, 0, 48000, 0, 0, 0));
    }

    @Test
    void cacheHitRatioIsTheShareOfThePromptReadFromCache() {
        Bill bill = UsageAccounting.account(json("""
                {"prompt_tokens": 52000, "completion_tokens": 300,
                 "prompt_tokens_details": {"cached_tokens": 48000, "cache_write_tokens": 3500}}"""),
                FIVE_MINUTES, CATALOG.get("anthropic/claude-sonnet-4.6"));

        assertThat(bill.cacheHitRatio()).isEqualByComparingTo("0.9231");
        assertThat(UsageAccounting.unreported(Usage.ZERO).cacheHitRatio()).isNull();
    }

    @Test
    void aResponseWithoutUsageKeepsTheEstimateAndHasNoCost() {
        Bill bill = UsageAccounting.unreported(Usage.estimate(1200, 40));

        assertThat(bill.usage()).isEqualTo(Usage.estimate(1200, 40));
        assertThat(bill.cost()).isEqualTo(Cost.UNKNOWN);
        assertThat(bill.cacheWrites()).isEqualTo(CacheWrites.UNKNOWN);
        assertThat(bill.estimated()).isTrue();
        assertThat(bill.cacheHitRatio()).isNull();
        assertThat(bill.notes()).containsExactly(
                "the upstream reported no usage: token counts are the gateway's estimate, cost unknown");
    }

    @Test
    void theBillJsonCarriesTheSameNumbersInPlainDecimals() throws Exception {
        Bill bill = UsageAccounting.account(json("""
                {"prompt_tokens": 52000, "completion_tokens": 300,
                 "prompt_tokens_details": {"cached_tokens": 48000}, "cost": 0.033525}"""),
                FIVE_MINUTES, CATALOG.get("anthropic/claude-sonnet-4.6"));

        String line = BillTest.fields(bill);

        assertThat(line).contains("\"cache_writes\":\"inferred\"", "\"cache_hit_ratio\":0.9231",
                "\"cost_usd\":{\"input\":0.0015,\"output\":0.0045,\"cache_read\":0.0144,\"cache_write\":0.013125,"
                        + "\"request\":0,\"web_search\":0,\"total\":0.033525}",
                "\"upstream_cost_usd\":0.033525", "\"residual_usd\":0", "\"prices\":\"test prices\"",
                "\"cache_creation\":{\"ephemeral_5m_input_tokens\":3500,\"ephemeral_1h_input_tokens\":0}");
        assertThat(line).doesNotContain("E-", "byok_fee_usd");
    }

    /**
     * A count that is no count makes the whole usage no report, billed as a usage never sent: the gateway's estimate,
     * no cost, and a note naming the field. Before, {@code 1e30} was read as 2^63 − 1 tokens (a cost of
     * $9,223,372,036,854 that no ledger column holds, and a budget spent for good), an integer past 64 bits as its
     * low 64 bits ({@code 99999999999999999999999} as 200376420520689663), and a negative or a text as an exact 0.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a float beyond any prompt | {\"prompt_tokens\": 1e30, \"completion_tokens\": 300, \"cost\": 0.0309}"
                    + " | prompt_tokens",
            "an integer past 64 bits   | {\"prompt_tokens\": 99999999999999999999999, \"completion_tokens\": 300}"
                    + " | prompt_tokens",
            "one past the bound        | {\"prompt_tokens\": 52000, \"completion_tokens\": 1000000001}"
                    + " | completion_tokens",
            "a negative count          | {\"prompt_tokens\": 52000, \"completion_tokens\": -1000000}"
                    + " | completion_tokens",
            "a text                    | {\"prompt_tokens\": \"ten\", \"completion_tokens\": 300}"
                    + " | prompt_tokens",
            "a fraction of a token     | {\"prompt_tokens\": 52000, \"prompt_tokens_details\": {\"cached_tokens\": 12.5}}"
                    + " | prompt_tokens_details.cached_tokens",
            "DeepSeek's hits, negative | {\"prompt_tokens\": 52000, \"prompt_cache_hit_tokens\": -48000}"
                    + " | prompt_cache_hit_tokens",
            "reasoning past the bound  | {\"prompt_tokens\": 52000, \"completion_tokens\": 300,"
                    + " \"completion_tokens_details\": {\"reasoning_tokens\": 1e12}}"
                    + " | completion_tokens_details.reasoning_tokens",
            "cache writes past 64 bits | {\"prompt_tokens\": 52000,"
                    + " \"prompt_tokens_details\": {\"cache_write_tokens\": 18446744073709551616}}"
                    + " | prompt_tokens_details.cache_write_tokens",
            "1-hour writes as a text   | {\"prompt_tokens\": 52000, \"prompt_tokens_details\": {\"cache_write_tokens\": 10,"
                    + " \"cache_creation\": {\"ephemeral_1h_input_tokens\": \"all\"}}}"
                    + " | prompt_tokens_details.cache_creation.ephemeral_1h_input_tokens",
            "negative web searches     | {\"prompt_tokens\": 52000, \"server_tool_use\": {\"web_search_requests\": -1}}"
                    + " | server_tool_use.web_search_requests",
    })
    void aCountThatIsNoCountMakesTheUsageNoReport(String name, String upstreamUsage, String field) {
        ModelPricing sonnet = CATALOG.get("anthropic/claude-sonnet-4.6");
        assertThat(UsageAccounting.account(json(upstreamUsage), FIVE_MINUTES, sonnet)).isNull();

        Bill bill = UsageAccounting.account(json(upstreamUsage), Usage.estimate(1200, 40), FIVE_MINUTES, sonnet,
                false);

        assertThat(bill.usage()).isEqualTo(Usage.estimate(1200, 40));
        assertThat(bill.estimated()).isTrue();
        assertThat(bill.cost()).isEqualTo(Cost.UNKNOWN);
        assertThat(bill.upstreamCost()).isNull();
        assertThat(bill.cacheWrites()).isEqualTo(CacheWrites.UNKNOWN);
        assertThat(bill.notes()).containsExactly("the upstream's usage is no report, " + field
                + " is not a count (a whole number from 0 to 1000000000): token counts are the gateway's estimate, "
                + "cost unknown");
    }

    /** Counts written as floats or quoted are counts when they are whole numbers in range, as they always were read. */
    @Test
    void aWholeNumberWrittenAsAFloatOrQuotedIsACount() {
        Bill bill = UsageAccounting.account(json("""
                {"prompt_tokens": "52000", "completion_tokens": 300.0, "prompt_tokens_details": {"cached_tokens": " 48000"}}"""),
                FIVE_MINUTES, CATALOG.get("anthropic/claude-sonnet-4.6"));

        assertThat(bill.estimated()).isFalse();
        assertThat(bill.usage().cacheReadInputTokens()).isEqualTo(48000);
        assertThat(bill.usage().inputTokens()).isEqualTo(4000);
        assertThat(bill.usage().outputTokens()).isEqualTo(300);
    }

    @Test
    void absurdAmountsAreRejectedInsteadOfComputed() {
        Bill bill = UsageAccounting.account(json("""
                {"prompt_tokens": 52000, "completion_tokens": 300, "prompt_tokens_details": {"cached_tokens": 48000},
                 "cost": "1e999999999", "is_byok": true, "cost_details": {"upstream_inference_cost": "1e-999999999"}}"""),
                FIVE_MINUTES, CATALOG.get("anthropic/claude-sonnet-4.6"));

        assertThat(bill.byokFee()).isNull();
        assertThat(bill.upstreamCost()).isEqualByComparingTo("0");
        assertThat(bill.cacheWrites()).isEqualTo(CacheWrites.INFERRED);
        assertThat(bill.usage().cacheCreationInputTokens()).isZero();
        assertThat(Money.format(bill.residual())).isEqualTo("-0.0309");
    }

    private static void assertMoney(BigDecimal actual, String expected) {
        if (expected == null) {
            assertThat(actual).isNull();
        } else {
            assertThat(actual).isNotNull().isEqualByComparingTo(expected);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
