package dev.ccrouter.billing;

/** Where a bill's cache-write count came from. */
public enum CacheWrites {
    /** The request sent no breakpoint and the upstream reported no writes: there are none. */
    NONE,
    /** The upstream reported {@code prompt_tokens_details.cache_write_tokens}. */
    REPORTED,
    /** Worked out from the charged cost and the prices (see {@link UsageAccounting}). */
    INFERRED,
    /** Neither reported nor inferable (no cost, no prices): counted as input, and the bill's notes say why. */
    UNKNOWN;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
