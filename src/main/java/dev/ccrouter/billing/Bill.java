package dev.ccrouter.billing;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.ccrouter.api.anthropic.Usage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
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
 * @param cacheSavings what the cache reads saved at the prices the bill used: reads × (input rate − read rate), or
 *                     null without both rates
 */
public record Bill(Usage usage,
                   CacheWrites cacheWrites,
                   Cost cost,
                   BigDecimal upstreamCost,
                   BigDecimal byokFee,
                   BigDecimal residual,
                   String pricesAsOf,
                   List<String> notes,
                   boolean estimated,
                   BigDecimal cacheSavings) {

    /** Decimal places of the cache hit ratio. */
    static final int RATIO_SCALE = 4;

    public Bill {
        notes = List.copyOf(notes);
    }

    /** A bill without a figure for what the cache saved. */
    public Bill(Usage usage, CacheWrites cacheWrites, Cost cost, BigDecimal upstreamCost, BigDecimal byokFee,
                BigDecimal residual, String pricesAsOf, List<String> notes, boolean estimated) {
        this(usage, cacheWrites, cost, upstreamCost, byokFee, residual, pricesAsOf, notes, estimated, null);
    }

    /** This bill with one more note. */
    public Bill withNote(String note) {
        List<String> more = new ArrayList<>(notes);
        more.add(note);
        return new Bill(usage, cacheWrites, cost, upstreamCost, byokFee, residual, pricesAsOf, more, estimated,
                cacheSavings);
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
     * Writes the bill's fields into an object the generator has open: usage, whether it was estimated, cache writes,
     * the cache hit ratio, the cost by part, the upstream's cost, the residual, the BYOK fee when there is one, the
     * prices' source and the notes. Amounts are JSON numbers rounded as {@link Money#shown}; write them in plain
     * notation ({@code WRITE_BIGDECIMAL_AS_PLAIN}). A stream's billing comment writes them after its request id.
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
        amount(out, "web_search", cost.webSearch());
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

}
