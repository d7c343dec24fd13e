package dev.ccrouter.billing;

import java.math.BigDecimal;

/**
 * What a request cost in USD, computed from the catalog's prices, exactly. A null part is one that could not be
 * priced (the bill's notes say why); the total is null when any part is.
 *
 * @param request   the per-request fee, when the model has one
 * @param webSearch the web searches run for the answer, at the catalog's price per search
 */
public record Cost(BigDecimal input,
                   BigDecimal output,
                   BigDecimal cacheRead,
                   BigDecimal cacheWrite,
                   BigDecimal request,
                   BigDecimal webSearch,
                   BigDecimal total) {

    static final Cost UNKNOWN = new Cost(null, null, null, null, null, null, null);

    static Cost of(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite,
                   BigDecimal request, BigDecimal webSearch) {
        BigDecimal total = input == null || output == null || cacheRead == null || cacheWrite == null
                || request == null || webSearch == null ? null
                : input.add(output).add(cacheRead).add(cacheWrite).add(request).add(webSearch);
        return new Cost(input, output, cacheRead, cacheWrite, request, webSearch, total);
    }
}
