package dev.ccrouter.billing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.CacheTtls;
import dev.ccrouter.api.anthropic.Usage;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The one computation behind every usage and cost figure the gateway shows: the upstream's final OpenAI usage, the
 * TTLs of the request's cache breakpoints and the model's prices in, Anthropic usage and an exact cost out. Pure:
 * no I/O, no clock, no state; bad input gives notes, never an exception.
 *
 * <h2>Tokens (OpenRouter semantics)</h2>
 * {@code prompt_tokens} (P) includes cache reads (R = {@code cached_tokens}) and cache writes (W), so
 * {@code input_tokens = P − R − W}, {@code cache_read_input_tokens = R}, {@code cache_creation_input_tokens = W},
 * {@code output_tokens = completion_tokens}, {@code output_tokens_details.thinking_tokens = reasoning_tokens}.
 *
 * <h2>Cache writes</h2>
 * W is {@code prompt_tokens_details.cache_write_tokens} when the upstream reports it. Otherwise, when the request
 * sent breakpoints, it is inferred from the charged cost K. With input rate p, read rate r, write rate w, output
 * cost O and request fee F, the upstream charged {@code K = (P − R − W)·p + R·r + W·w + O + F}, so
 * <pre>    W = (K − [(P − R)·p + R·r + O + F]) / (w − p)</pre>
 * computed exactly, rounded to the nearest whole token and held within {@code [0, P − R]}. w is the 1-hour rate when
 * every breakpoint asked for {@code ttl: "1h"}, the 5-minute rate otherwise. Dividing by {@code w − p} and not by
 * {@code w} is the point: a write displaces an input token that would have cost p, so only the premium shows in K
 * (dividing by w reports a fifth of the writes at Anthropic's 1.25× rate).
 *
 * <h2>The 5-minute / 1-hour split</h2>
 * All 5-minute or all 1-hour breakpoints put every write in that bucket. With both TTLs a reported W splits exactly
 * by the same equation, {@code W₁ₕ = (K − [(P − R)·p + R·r + O + F] − W·(w₅ₘ − p)) / (w₁ₕ − w₅ₘ)}; an inferred W (one
 * equation, two unknowns) is counted at the 5-minute rate, and the bill says the true count may be lower.
 *
 * <h2>Cost</h2>
 * input·p, output (reasoning tokens at {@code internal_reasoning} where the catalog prices it apart, else at the
 * output rate), reads·r, writes at their TTL's rate, the request fee, web searches at {@code web_search}; the total is
 * their sum. The upstream's charged cost is reported beside it, with the residual {@code charged − total} (zero up
 * to rounding when writes were inferred; a stale price or an unmodelled charge shows here). With BYOK ({@code is_byok}) {@code cost} is
 * OpenRouter's fee, reported as such, and the provider's {@code upstream_inference_cost} is the charged cost.
 * Whatever cannot be known (no cost, no price) stays null with a note: no figure is ever made up.
 */
public final class UsageAccounting {
    private static final MathContext DIVISION = MathContext.DECIMAL128;

    private UsageAccounting() {
    }

    /**
     * @param openAiUsage the upstream's final {@code usage} object
     * @param ttls        the TTLs of the breakpoints the request sent upstream
     * @param pricing     the model's prices, or null when the catalog does not list the model
     * @return the bill, or null when the usage is no report: a count in it is not a count ({@link UpstreamUsage})
     */
    public static Bill account(JsonNode openAiUsage, CacheTtls ttls, ModelPricing pricing) {
        return account(openAiUsage, ttls, pricing, false);
    }

    /**
     * @param webSearch OpenRouter's web plugin ran for the request. It searches once per request (its documented
     *                  frequency), which is the count reported unless the usage gives its own; the search is priced
     *                  at the catalog's {@code web_search} rate where it lists one. Its fee is in the charged cost
     *                  either way, so cache writes are not inferred from that cost (the fee would pass for written
     *                  tokens); a fee the catalog does not price shows in the residual
     * @return the bill, or null when the usage is no report: a count in it is not a count ({@link UpstreamUsage})
     */
    public static Bill account(JsonNode openAiUsage, CacheTtls ttls, ModelPricing pricing, boolean webSearch) {
        try {
            return account(UpstreamUsage.of(openAiUsage), ttls, pricing, webSearch);
        } catch (UpstreamUsage.NotACount e) {
            return null;
        }
    }

    /**
     * The bill of an answer that ended with a usage object: that usage's, or, when it is no report (a count in it is
     * not a count), the gateway's estimate, as for an answer without usage, with a note naming the field. Never null.
     *
     * @param estimate the gateway's count of the answer, which the client is shown instead
     */
    public static Bill account(JsonNode openAiUsage, Usage estimate, CacheTtls ttls, ModelPricing pricing,
                               boolean webSearch) {
        try {
            return account(UpstreamUsage.of(openAiUsage), ttls, pricing, webSearch);
        } catch (UpstreamUsage.NotACount e) {
            return unreported(estimate, "the upstream's usage is no report, " + e.getMessage()
                    + ": token counts are the gateway's estimate, cost unknown");
        }
    }

    private static Bill account(UpstreamUsage upstream, CacheTtls ttls, ModelPricing pricing, boolean webSearch) {
        List<String> notes = new ArrayList<>();
        Prices prices = Prices.NONE;
        if (pricing == null) {
            notes.add("no prices for this model in the catalog: cost not computed");
        } else {
            prices = pricing.at(upstream.promptTokens());
            notes.addAll(pricing.caveats());
        }
        // Without any prices one note says it all; missing single rates are noted one by one.
        List<String> rateNotes = pricing == null ? new ArrayList<>() : notes;
        BigDecimal charged = charged(upstream, notes);

        long prompt = upstream.promptTokens();
        long reads = upstream.cachedTokens();
        if (reads > prompt) {
            notes.add("the upstream reports more cached tokens than prompt tokens");
        }
        long uncached = Math.max(0, prompt - reads);
        long reasoning = Math.min(upstream.reasoningTokens(), upstream.completionTokens());
        BigDecimal output = sum(
                priced(upstream.completionTokens() - reasoning, prices.completion(), "output", rateNotes),
                priced(reasoning, prices.reasoningRate(), "reasoning", rateNotes));
        BigDecimal readCost = priced(reads, prices.cacheRead(), "cache-read", rateNotes);
        BigDecimal request = pricing == null ? null : prices.request() != null ? prices.request() : BigDecimal.ZERO;
        // What K holds besides the write premium: the whole uncached prompt at the input rate, reads, output, fee.
        BigDecimal withoutWrites = prices.prompt() == null ? null
                : sum(times(uncached, prices.prompt()), readCost, output, request);

        long searches = upstream.webSearchRequests() != null ? upstream.webSearchRequests() : webSearch ? 1 : 0;
        // A search's fee is in the charged cost whoever asked for it (the plugin, :online, a server tool).
        boolean searchFee = webSearch || searches > 0;
        Writes writes = writes(upstream, uncached, ttls, prices, searchFee ? null : charged, withoutWrites,
                notes, searchFee);
        long input = Math.max(0, uncached - writes.total());
        Usage usage = new Usage(input, upstream.completionTokens(), writes.total(), reads,
                writes.fiveMinutes(), writes.oneHour(), reasoning, searches);

        Cost cost = Cost.UNKNOWN;
        if (pricing != null) {
            BigDecimal writeCost = sum(
                    priced(writes.fiveMinutes(), prices.cacheWrite5m(), "5-minute cache-write", notes),
                    priced(writes.oneHour(), prices.cacheWrite1h(), "1-hour cache-write", notes));
            cost = Cost.of(priced(input, prices.prompt(), "input", notes), output, readCost, writeCost, request,
                    searchCost(searches, prices.webSearch(), notes));
        }
        BigDecimal residual = charged != null && cost.total() != null ? charged.subtract(cost.total()) : null;
        // What the reads would have cost as input, less what they cost: at these prices, the ones the bill used.
        BigDecimal cacheSavings = prices.prompt() == null || prices.cacheRead() == null ? null
                : times(reads, prices.prompt().subtract(prices.cacheRead()));
        return new Bill(usage, writes.source(), cost, charged, upstream.byok() ? upstream.cost() : null, residual,
                pricing == null ? null : pricing.pricesAsOf(), notes, false, cacheSavings);
    }

    /** The bill of a response whose upstream reported no usage: the gateway's estimate, and no cost. */
    public static Bill unreported(Usage estimate) {
        return unreported(estimate,
                "the upstream reported no usage: token counts are the gateway's estimate, cost unknown");
    }

    private static Bill unreported(Usage estimate, String note) {
        return new Bill(estimate, CacheWrites.UNKNOWN, Cost.UNKNOWN, null, null, null, null, List.of(note), true);
    }

    /** What the model's provider charged: {@code cost}, or with BYOK the provider's own inference cost. */
    private static BigDecimal charged(UpstreamUsage upstream, List<String> notes) {
        if (upstream.byok()) {
            if (upstream.upstreamInferenceCost() == null) {
                notes.add("BYOK: the upstream did not report the provider's cost (cost_details.upstream_inference_cost)");
            }
            return upstream.upstreamInferenceCost();
        }
        if (upstream.cost() == null) {
            notes.add("the upstream reported no cost");
        }
        return upstream.cost();
    }

    private record Writes(long fiveMinutes, long oneHour, CacheWrites source) {
        long total() {
            return fiveMinutes + oneHour;
        }
    }

    private static Writes writes(UpstreamUsage upstream, long uncached, CacheTtls ttls, Prices prices,
                                 BigDecimal charged, BigDecimal withoutWrites, List<String> notes,
                                 boolean searchFee) {
        if (upstream.cacheWriteTokens() != null) {
            long reported = upstream.cacheWriteTokens();
            if (reported > uncached) {
                notes.add("the upstream reports more cache writes than uncached prompt tokens");
            }
            long writes = Math.min(reported, uncached);
            if (upstream.oneHourWriteTokens() != null) { // the upstream said which writes were 1-hour ones
                long oneHour = Math.min(upstream.oneHourWriteTokens(), writes);
                return new Writes(writes - oneHour, oneHour, CacheWrites.REPORTED);
            }
            return split(writes, ttls, prices, charged, withoutWrites, notes);
        }
        if (ttls == CacheTtls.NONE) {
            return new Writes(0, 0, CacheWrites.NONE);
        }
        BigDecimal writeRate = ttls == CacheTtls.ONE_HOUR ? prices.cacheWrite1h() : prices.cacheWrite5m();
        String unknown = null;
        if (searchFee) {
            unknown = "the charged cost includes a web search's fee";
        } else if (charged == null) {
            unknown = "no charged cost";
        } else if (prices.prompt() == null) {
            unknown = "no input price";
        } else if (withoutWrites == null) {
            unknown = "prices missing";
        } else if (writeRate == null) {
            unknown = "no " + (ttls == CacheTtls.ONE_HOUR ? "1-hour" : "5-minute") + " cache-write price";
        } else if (writeRate.compareTo(prices.prompt()) <= 0) {
            unknown = "cache writes cost no more than input for this model";
        }
        if (unknown != null) {
            notes.add("cache writes not reported and not inferable (" + unknown + "): counted as input");
            return new Writes(0, 0, CacheWrites.UNKNOWN);
        }
        long inferred = wholeTokens(charged.subtract(withoutWrites).divide(writeRate.subtract(prices.prompt()), DIVISION));
        if (inferred < 0) {
            notes.add("the charged cost is below the price of the counted tokens: no cache writes inferred");
        } else if (inferred > uncached) {
            notes.add("the charged cost implies more cache writes than uncached prompt tokens: capped");
        }
        long writes = Math.clamp(inferred, 0, uncached);
        if (ttls == CacheTtls.MIXED) {
            notes.add("breakpoints mix 5-minute and 1-hour TTLs: writes inferred at the 5-minute price; "
                    + "if some were 1-hour writes the true count is lower");
        }
        return ttls == CacheTtls.ONE_HOUR ? new Writes(0, writes, CacheWrites.INFERRED)
                : new Writes(writes, 0, CacheWrites.INFERRED);
    }

    /** Reported writes into the TTL buckets; with mixed TTLs the charged cost tells how many were 1-hour writes. */
    private static Writes split(long writes, CacheTtls ttls, Prices prices, BigDecimal charged,
                                BigDecimal withoutWrites, List<String> notes) {
        switch (ttls) {
            case ONE_HOUR -> {
                return new Writes(0, writes, CacheWrites.REPORTED);
            }
            case MIXED -> {
                BigDecimal w5 = prices.cacheWrite5m();
                BigDecimal w1 = prices.cacheWrite1h();
                if (writes > 0 && charged != null && withoutWrites != null && prices.prompt() != null
                        && w5 != null && w1 != null && w1.compareTo(w5) > 0) {
                    BigDecimal oneHourPremium = charged.subtract(withoutWrites)
                            .subtract(w5.subtract(prices.prompt()).multiply(BigDecimal.valueOf(writes)));
                    long oneHour = Math.clamp(wholeTokens(oneHourPremium.divide(w1.subtract(w5), DIVISION)), 0, writes);
                    return new Writes(writes - oneHour, oneHour, CacheWrites.REPORTED);
                }
                if (writes > 0) {
                    notes.add("breakpoints mix 5-minute and 1-hour TTLs and the split cannot be worked out: "
                            + "writes counted as 5-minute writes");
                }
                return new Writes(writes, 0, CacheWrites.REPORTED);
            }
            default -> {
                return new Writes(writes, 0, CacheWrites.REPORTED);
            }
        }
    }

    /** An exact token count as the nearest whole number, saturating far outside any real count. */
    private static long wholeTokens(BigDecimal exact) {
        BigDecimal rounded = exact.setScale(0, RoundingMode.HALF_EVEN);
        if (rounded.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            return rounded.signum() * Long.MAX_VALUE;
        }
        return rounded.longValueExact();
    }

    /**
     * searches × the catalog's price per search. The catalog lists none (or {@code "0"}) for models without a search
     * of their own, whose searches OpenRouter runs with its engine at that engine's rate: that fee is in the charged
     * cost, not in this one, and the note says so.
     */
    private static BigDecimal searchCost(long searches, BigDecimal rate, List<String> notes) {
        if (searches == 0) {
            return BigDecimal.ZERO;
        }
        if (rate == null || rate.signum() == 0) {
            notes.add("the catalog lists no web search price for this model: the search fee is in the charged cost "
                    + "and the residual, not in the computed cost");
            return BigDecimal.ZERO;
        }
        return times(searches, rate);
    }

    /** tokens × rate; zero for no tokens, null (with a note) when tokens have no rate. */
    private static BigDecimal priced(long tokens, BigDecimal rate, String what, List<String> notes) {
        if (tokens == 0) {
            return BigDecimal.ZERO;
        }
        if (rate == null) {
            notes.add("no " + what + " price for this model: that part of the cost is unknown");
            return null;
        }
        return times(tokens, rate);
    }

    private static BigDecimal times(long tokens, BigDecimal rate) {
        return tokens == 0 ? BigDecimal.ZERO : rate.multiply(BigDecimal.valueOf(tokens));
    }

    /** The sum, or null when any part is unknown. */
    private static BigDecimal sum(BigDecimal... parts) {
        BigDecimal total = BigDecimal.ZERO;
        for (BigDecimal part : parts) {
            if (part == null) {
                return null;
            }
            total = total.add(part);
        }
        return total;
    }
}
