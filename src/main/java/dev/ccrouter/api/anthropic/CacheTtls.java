package dev.ccrouter.api.anthropic;

/**
 * The lifetimes the cache breakpoints of one request asked for, as they were sent upstream. A cache write is billed
 * at the rate of its TTL (Anthropic: 1.25× input for 5 minutes, 2× for 1 hour), and OpenAI-style usage reports one
 * write count without a TTL split, so this is what tells the two rates apart.
 */
public enum CacheTtls {
    /** No breakpoint was sent: the upstream writes nothing to its cache on our behalf. */
    NONE,
    /** Every breakpoint uses the default 5-minute TTL. */
    FIVE_MINUTES,
    /** Every breakpoint asked for {@code ttl: "1h"}. */
    ONE_HOUR,
    /** Both TTLs: the upstream's single write count cannot say how much went to which without more facts. */
    MIXED;

    /** The TTLs of a set of breakpoints, from how many there are and how many of them ask for one hour. */
    public static CacheTtls of(int breakpoints, int oneHour) {
        if (breakpoints == 0) {
            return NONE;
        }
        if (oneHour == 0) {
            return FIVE_MINUTES;
        }
        return oneHour == breakpoints ? ONE_HOUR : MIXED;
    }
}
