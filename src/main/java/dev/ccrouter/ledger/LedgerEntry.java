package dev.ccrouter.ledger;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * One request that reached the gateway (answered, failed or rejected), as the ledger keeps it. Never holds a key:
 * {@code clientKeyId} is a short hash of it ({@link ClientKeyId}).
 *
 * @param time           when the request arrived
 * @param clientKeyId    which client key sent it, or null when it sent none
 * @param sessionId      Claude Code's {@code x-claude-code-session-id}, or null
 * @param requestedModel the model the client asked for
 * @param route          the route that chose the upstream, or null (no routes yet)
 * @param provider       the provider that answered, or null when not known
 * @param upstreamModel  the model asked of the upstream, or null when the request never got that far
 * @param httpStatus     the status the client got (200 for a stream that failed after it started)
 * @param errorType      Anthropic's error type when the request failed (before or during a stream), else null
 * @param stopReason     Anthropic's stop reason, or null when not known
 * @param ttfbMillis     until the response's first byte went out, or null when nothing was sent
 */
public record LedgerEntry(Instant time,
                          String requestId,
                          String clientKeyId,
                          String sessionId,
                          String requestedModel,
                          String route,
                          String provider,
                          String upstreamModel,
                          boolean stream,
                          int httpStatus,
                          String errorType,
                          String stopReason,
                          Tokens tokens,
                          Spend spend,
                          Long ttfbMillis,
                          long durationMillis,
                          int retries,
                          int fallbacks) {

    /**
     * Anthropic's token counts: the whole prompt is {@code input + cacheRead + cacheWrite5m + cacheWrite1h}.
     *
     * @param reasoning part of {@code output} spent reasoning
     * @param estimated the upstream reported no usage: these are the gateway's estimate
     */
    public record Tokens(long input, long output, long cacheRead, long cacheWrite5m, long cacheWrite1h, long reasoning,
                         boolean estimated) {
        public static final Tokens NONE = new Tokens(0, 0, 0, 0, 0, 0, false);

        public long cacheWrite() {
            return cacheWrite5m + cacheWrite1h;
        }

        public long total() {
            return input + output + cacheRead + cacheWrite();
        }
    }

    /**
     * What the request cost in USD; null where unknown, never made up.
     *
     * @param computed     from the catalog's prices
     * @param charged      what the upstream says it charged
     * @param residual     {@code charged − computed}
     * @param cacheSavings what the cache reads would have cost as input, minus what they cost
     */
    public record Spend(BigDecimal computed, BigDecimal charged, BigDecimal residual, BigDecimal cacheSavings) {
        public static final Spend UNKNOWN = new Spend(null, null, null, null);
    }

    /** The model the bill is for: the upstream's when the request got that far, else the one asked for. */
    public String billedModel() {
        return upstreamModel != null && !upstreamModel.isBlank() ? upstreamModel : requestedModel;
    }
}
