package dev.ccrouter.billing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.Usage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * The usage and cost of one response, as {@link UsageAccounting} computed them. Every place that shows usage or
 * cost (the body, the stream's {@code message_delta}, the billing headers and comment, the access log) reads one
 * bill, so they cannot disagree.
 *
 * @param usage        Anthropic usage, exact
 * @param cacheWrites  where the cache-write count came from
 * @param cost         the cost from the catalog's prices (parts null where unknown)
 * @param upstreamCost what the upstream says the provider charged, or null when it did not say
 * @param byokFee      OpenRouter's fee on a bring-your-own-key request, or null
 * @param residual     {@code upstreamCost − cost.total}, or null when either is unknown
 * @param pricesAsOf   where and when the prices were read, or null without prices
 * @param notes        what is unknown, assumed or ambiguous, in plain ASCII (they travel in a header too)
 * @param estimated    the usage is the gateway's estimate: the upstream reported none
 */
public record Bill(Usage usage,
                   CacheWrites cacheWrites,
                   Cost cost,
                   BigDecimal upstreamCost,
                   BigDecimal byokFee,
                   BigDecimal residual,
                   String pricesAsOf,
                   List<String> notes,
                   boolean estimated) {

    /** Decimal places of the cache hit ratio. */
    static final int RATIO_SCALE = 4;

    public Bill {
        notes = List.copyOf(notes);
    }

    /** The share of the prompt read from the cache (0 to 1), or null for an empty or estimated prompt. */
    public BigDecimal cacheHitRatio() {
        long prompt = usage.inputTokens() + usage.cacheReadInputTokens() + usage.cacheCreationInputTokens();
        if (prompt == 0 || estimated) {
            return null;
        }
        return BigDecimal.valueOf(usage.cacheReadInputTokens())
                .divide(BigDecimal.valueOf(prompt), RATIO_SCALE, RoundingMode.HALF_EVEN);
    }

    /**
     * The bill as the {@code : ccrouter-billing} stream comment carries it. Amounts are JSON numbers rounded as
     * {@link Money#shown}; write them in plain notation ({@code WRITE_BIGDECIMAL_AS_PLAIN}).
     */
    public ObjectNode toJson() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode json = nodes.objectNode();
        json.set("usage", usage.toJson());
        json.put("usage_estimated", estimated);
        json.put("cache_writes", cacheWrites.wireName());
        json.set("cache_hit_ratio", nodes.numberNode(cacheHitRatio()));
        ObjectNode usd = json.putObject("cost_usd");
        usd.set("input", amount(cost.input()));
        usd.set("output", amount(cost.output()));
        usd.set("cache_read", amount(cost.cacheRead()));
        usd.set("cache_write", amount(cost.cacheWrite()));
        usd.set("request", amount(cost.request()));
        usd.set("total", amount(cost.total()));
        json.set("upstream_cost_usd", amount(upstreamCost));
        json.set("residual_usd", amount(residual));
        if (byokFee != null) {
            json.set("byok_fee_usd", amount(byokFee));
        }
        json.put("prices", pricesAsOf);
        ArrayNode notesJson = json.putArray("notes");
        notes.forEach(notesJson::add);
        return json;
    }

    /**
     * Writes {@link #toJson()}'s fields, in the same order, into an object the generator has open: how a stream's
     * billing comment writes them after its request id, without building the tree for every stream
     * ({@code BillTest} holds the two equal).
     */
    public void writeFields(JsonGenerator out) throws IOException {
        out.writeFieldName("usage");
        usage.write(out);
        out.writeBooleanField("usage_estimated", estimated);
        out.writeStringField("cache_writes", cacheWrites.wireName());
        number(out, "cache_hit_ratio", cacheHitRatio());
        out.writeObjectFieldStart("cost_usd");
        amount(out, "input", cost.input());
        amount(out, "output", cost.output());
        amount(out, "cache_read", cost.cacheRead());
        amount(out, "cache_write", cost.cacheWrite());
        amount(out, "request", cost.request());
        amount(out, "total", cost.total());
        out.writeEndObject();
        amount(out, "upstream_cost_usd", upstreamCost);
        amount(out, "residual_usd", residual);
        if (byokFee != null) {
            amount(out, "byok_fee_usd", byokFee);
        }
        out.writeStringField("prices", pricesAsOf);
        out.writeArrayFieldStart("notes");
        for (String note : notes) {
            out.writeString(note);
        }
        out.writeEndArray();
    }

    private static void amount(JsonGenerator out, String name, BigDecimal value) throws IOException {
        number(out, name, value == null ? null : Money.shown(value));
    }

    private static void number(JsonGenerator out, String name, BigDecimal value) throws IOException {
        if (value == null) {
            out.writeNullField(name);
        } else {
            out.writeNumberField(name, value);
        }
    }

    private static JsonNode amount(BigDecimal value) {
        return value == null ? JsonNodeFactory.instance.nullNode() : JsonNodeFactory.instance.numberNode(Money.shown(value));
    }
}
