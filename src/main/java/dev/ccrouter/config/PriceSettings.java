package dev.ccrouter.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;

/**
 * The prices of one {@code provider,model} ({@code prices:} section), for providers whose prices no catalog lists:
 * USD per million tokens, and per request for {@code request}. A missing rate is unknown (its part of the cost stays
 * unknown), never zero. The cache-write rates carry their names: snake_case alone would make them
 * {@code cache_write5m}, not the documented {@code cache_write_5m}.
 */
public record PriceSettings(BigDecimal input,
                            BigDecimal output,
                            BigDecimal cacheRead,
                            @JsonProperty("cache_write_5m") BigDecimal cacheWrite5m,
                            @JsonProperty("cache_write_1h") BigDecimal cacheWrite1h,
                            BigDecimal request) {
}
