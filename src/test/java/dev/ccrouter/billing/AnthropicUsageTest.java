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

    @Test
    void oneHourWritesAreCountedAsSuchWhenTheUsageSaysSo() throws Exception {
        Bill bill = AnthropicUsage.account(json("""
                {"input_tokens": 5, "cache_creation_input_tokens": 300, "cache_read_input_tokens": 0,
                 "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": 300},
                 "output_tokens": 1}"""), null);

        assertThat(bill.usage().cacheCreation1h()).isEqualTo(300);
        assertThat(bill.usage().cacheCreation5m()).isZero();
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
