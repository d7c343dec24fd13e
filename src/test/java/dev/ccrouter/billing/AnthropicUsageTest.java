package dev.ccrouter.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.Usage;
import org.junit.jupiter.api.Test;

/** An Anthropic-wire answer's usage is billed by the same accounting, its three prompt parts kept as they were. */
class AnthropicUsageTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theThreePromptPartsAndTheOutputComeThroughUnchanged() throws Exception {
        Bill bill = AnthropicUsage.account(json("""
                {"input_tokens": 12, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 2000,
                 "output_tokens": 7}"""), null);

        assertThat(bill.usage()).isEqualTo(new Usage(12, 7, 100, 2000, 100, 0, 0));
        assertThat(bill.estimated()).isFalse();
        assertThat(bill.cost().total()).isNull(); // no price known: none invented
    }

    /** The bill's usage (the billing comment's, the access log's) says what the forwarded body says. */
    @Test
    void theSearchesAnthropicRanAreInTheBill() throws Exception {
        Bill bill = AnthropicUsage.account(json("""
                {"input_tokens": 12, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                 "output_tokens": 7, "server_tool_use": {"web_search_requests": 2, "web_fetch_requests": 0}}"""),
                null);

        assertThat(bill.usage()).isEqualTo(new Usage(12, 7, 0, 0, 0, 0, 0, 2));
    }

    /** A count that is no count (as {@code UsageAccountingTest} shows) leaves the answer without a bill. */
    @Test
    void aCountThatIsNoCountIsNoReport() throws Exception {
        assertThat(AnthropicUsage.account(json("""
                {"input_tokens": 1e30, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                 "output_tokens": 7}"""), null)).isNull();
        assertThat(AnthropicUsage.account(json("""
                {"input_tokens": 12, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0,
                 "output_tokens": -7}"""), null)).isNull();
        // three parts each within the bound, a prompt beyond it
        assertThat(AnthropicUsage.account(json("""
                {"input_tokens": 600000000, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 600000000,
                 "output_tokens": 7}"""), null)).isNull();
    }

    @Test
    void oneHourWritesAreCountedAsSuchWhenTheUsageSaysSo() throws Exception {
        Bill bill = AnthropicUsage.account(json("""
                {"input_tokens": 5, "cache_creation_input_tokens": 300, "cache_read_input_tokens": 0,
                 "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 300},
                 "output_tokens": 1}"""), null);

        assertThat(bill.usage().cacheCreation1h()).isEqualTo(300);
        assertThat(bill.usage().cacheCreation5m()).isZero();
    }

    @Test
    void mixedWritesAreBilledAtTheTtlsTheUsageSplitThemInto() throws Exception {
        // Opus 4.6: $5 in, $25 out, $0.50 read, $6.25 5-minute write, $10 1-hour write per million.
        Bill bill = AnthropicUsage.account(json("""
                {"input_tokens": 50, "cache_creation_input_tokens": 3000, "cache_read_input_tokens": 2000,
                 "cache_creation": {"ephemeral_5m_input_tokens": 1000, "ephemeral_1h_input_tokens": 2000},
                 "output_tokens": 100}"""), UsageAccountingTest.CATALOG.get("anthropic/claude-opus-4.6"));

        assertThat(bill.usage()).isEqualTo(new Usage(50, 100, 3000, 2000, 1000, 2000, 0));
        assertThat(bill.cacheWrites()).isEqualTo(CacheWrites.REPORTED);
        // 1 000 × 6.25 + 2 000 × 10, per million
        assertThat(bill.cost().cacheWrite()).isEqualByComparingTo("0.02625");
        assertThat(bill.cost().total()).isEqualByComparingTo("0.03");
        assertThat(bill.notes()).noneMatch(note -> note.contains("split cannot be worked out"));
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
