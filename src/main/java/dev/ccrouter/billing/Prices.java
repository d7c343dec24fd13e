package dev.ccrouter.billing;

import java.math.BigDecimal;

/**
 * USD per token (per request for {@code request}) of one model at one prompt size, exactly as the catalog lists
 * them (OpenRouter publishes decimal strings such as {@code "0.000003"}; they are kept as exact decimals). A null
 * rate is one the catalog does not list: whatever it would price is unknown, never zero.
 *
 * @param prompt       uncached input ({@code pricing.prompt})
 * @param completion   output ({@code pricing.completion})
 * @param cacheRead    input read from the prompt cache ({@code pricing.input_cache_read})
 * @param cacheWrite5m input written to the cache for 5 minutes ({@code pricing.input_cache_write})
 * @param cacheWrite1h input written to the cache for 1 hour ({@code pricing.input_cache_write_1h})
 * @param reasoning    reasoning output, where it is priced apart from the rest ({@code pricing.internal_reasoning};
 *                     OpenRouter lists {@code "0"} when reasoning is billed as ordinary output)
 * @param request      a fee per request ({@code pricing.request})
 * @param webSearch    a fee per web search ({@code pricing.web_search}, "Price in USD per web search")
 */
public record Prices(BigDecimal prompt,
                     BigDecimal completion,
                     BigDecimal cacheRead,
                     BigDecimal cacheWrite5m,
                     BigDecimal cacheWrite1h,
                     BigDecimal reasoning,
                     BigDecimal request,
                     BigDecimal webSearch) {

    static final Prices NONE = new Prices(null, null, null, null, null, null, null, null);

    /** These rates, with each one {@code other} lists replacing this one (a long-context tier over the base). */
    Prices overriddenBy(Prices other) {
        return new Prices(pick(other.prompt, prompt), pick(other.completion, completion),
                pick(other.cacheRead, cacheRead), pick(other.cacheWrite5m, cacheWrite5m),
                pick(other.cacheWrite1h, cacheWrite1h), pick(other.reasoning, reasoning),
                pick(other.request, request), pick(other.webSearch, webSearch));
    }

    /** The rate reasoning tokens are billed at: their own where one is listed, else the output rate. */
    BigDecimal reasoningRate() {
        return reasoning != null && reasoning.signum() > 0 ? reasoning : completion;
    }

    private static BigDecimal pick(BigDecimal preferred, BigDecimal fallback) {
        return preferred != null ? preferred : fallback;
    }
}
