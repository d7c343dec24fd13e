package dev.ccrouter.config;

import java.math.BigDecimal;

/**
 * The prices of one {@code provider,model} ({@code prices:} section), for providers whose prices no catalog lists:
 * USD per million tokens, and per request for {@code request}. A missing rate is unknown (its part of the cost stays
 * unknown), never zero.
 */
public record PriceSettings(BigDecimal input,
                            BigDecimal output,
                            BigDecimal cacheRead,
                            BigDecimal cacheWrite5m,
                            BigDecimal cacheWrite1h,
                            BigDecimal request) {
}
