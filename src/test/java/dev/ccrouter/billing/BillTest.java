package dev.ccrouter.billing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ccrouter.api.anthropic.Usage;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A bill written field by field (a stream's billing comment), byte for byte. */
class BillTest {
    private static final JsonFactory FACTORY = new JsonFactory();

    private static final Bill PRICED = new Bill(new Usage(1200, 35, 300, 19000, 100, 200, 12),
            CacheWrites.REPORTED,
            new Cost(new BigDecimal("0.0036000"), new BigDecimal("0.000525"), new BigDecimal("0.00570"),
                    new BigDecimal("0.001125"), BigDecimal.ZERO, BigDecimal.ZERO, new BigDecimal("0.0107750000000000001")),
            new BigDecimal("0.01078"), new BigDecimal("0.0005390"), new BigDecimal("0.000005"),
            "openrouter 2026-12-03T10:00:00Z", List.of("a note", "another \"quoted\" note"), false);

    private static final Bill UNPRICED = new Bill(Usage.estimate(20, 3), CacheWrites.NONE, Cost.UNKNOWN, null,
            null, null, null, List.of(), true);

    @Test
    void aPricedBillIsWrittenWithEveryFieldInOrder() {
        assertThat(fields(PRICED)).isEqualTo("{\"usage\":{\"input_tokens\":1200,"
                + "\"cache_creation_input_tokens\":300,\"cache_read_input_tokens\":19000,\"cache_creation\":"
                + "{\"ephemeral_5m_input_tokens\":100,\"ephemeral_1h_input_tokens\":200},\"output_tokens\":35,"
                + "\"output_tokens_details\":{\"thinking_tokens\":12},\"server_tool_use\":null,"
                + "\"service_tier\":\"standard\",\"inference_geo\":null},\"usage_estimated\":false,"
                + "\"cache_writes\":\"reported\",\"cache_hit_ratio\":0.9268,\"cost_usd\":{\"input\":0.0036,"
                + "\"output\":0.000525,\"cache_read\":0.0057,\"cache_write\":0.001125,\"request\":0,"
                + "\"web_search\":0,\"total\":0.010775},\"upstream_cost_usd\":0.01078,\"residual_usd\":0.000005,"
                + "\"byok_fee_usd\":0.000539,\"prices\":\"openrouter 2026-12-03T10:00:00Z\","
                + "\"notes\":[\"a note\",\"another \\\"quoted\\\" note\"]}");
    }

    @Test
    void anEstimatedBillWithoutPricesIsWrittenWithNulls() {
        assertThat(fields(UNPRICED)).isEqualTo("{\"usage\":{\"input_tokens\":20,\"cache_creation_input_tokens\":0,"
                + "\"cache_read_input_tokens\":0,\"cache_creation\":{\"ephemeral_5m_input_tokens\":0,"
                + "\"ephemeral_1h_input_tokens\":0},\"output_tokens\":3,\"output_tokens_details\":null,"
                + "\"server_tool_use\":null,\"service_tier\":\"standard\",\"inference_geo\":null},\"usage_estimated\":true,"
                + "\"cache_writes\":\"none\",\"cache_hit_ratio\":null,\"cost_usd\":{\"input\":null,\"output\":null,"
                + "\"cache_read\":null,\"cache_write\":null,\"request\":null,\"web_search\":null,\"total\":null},"
                + "\"upstream_cost_usd\":null,\"residual_usd\":null,\"prices\":null,\"notes\":[]}");
    }

    /** The bill as one JSON object, in plain notation, as the billing comment writes it. */
    static String fields(Bill bill) {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = FACTORY.createGenerator(text)) {
            out.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
            out.writeStartObject();
            bill.writeFields(out);
            out.writeEndObject();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return text.toString();
    }
}
