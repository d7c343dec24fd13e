package dev.ccrouter.server;

import dev.ccrouter.billing.Bill;
import dev.ccrouter.billing.Money;
import java.math.BigDecimal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per {@code /v1/messages} request: what was asked, where it went, how it ended, what it used and cost
 * (the same bill the response carried; unknown amounts are left out, never written as 0).
 */
final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("ccrouter.access");

    void log(Exchange exchange) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        long micros = (System.nanoTime() - exchange.startNanos) / 1_000;
        StringBuilder line = new StringBuilder(192)
                .append(exchange.requestId)
                .append(" status=").append(exchange.error != null ? exchange.error.status() : exchange.status)
                .append(" model=").append(exchange.model)
                .append(" upstream_model=").append(exchange.upstreamModel)
                .append(" route=").append(exchange.route)
                .append(" provider=").append(exchange.provider)
                .append(" fallbacks=").append(exchange.fallbacks)
                .append(" retries=").append(exchange.retries)
                .append(" stream=").append(exchange.stream)
                .append(" upstream_status=").append(exchange.upstreamStatus)
                .append(" ms=").append(micros / 1000).append('.').append(String.format("%03d", micros % 1000));
        if (exchange.bill != null) {
            appendBill(line, exchange.bill);
        }
        if (exchange.error != null) {
            line.append(" error=").append(exchange.error.type().wireName());
        }
        if (exchange.streamError != null) {
            line.append(" stream_error=").append(exchange.streamError);
        }
        if (exchange.clientGone) {
            line.append(" client_disconnected=true");
        }
        LOG.info(line.toString());
    }

    private static void appendBill(StringBuilder line, Bill bill) {
        line.append(" input_tokens=").append(bill.usage().inputTokens())
                .append(" output_tokens=").append(bill.usage().outputTokens())
                .append(" cache_read=").append(bill.usage().cacheReadInputTokens())
                .append(" cache_write=").append(bill.usage().cacheCreationInputTokens())
                .append(" cache_write_1h=").append(bill.usage().cacheCreation1h())
                .append(" reasoning_tokens=").append(bill.usage().thinkingTokens())
                .append(" cache_writes=").append(bill.cacheWrites().wireName());
        if (bill.estimated()) {
            line.append(" usage_estimated=true");
        }
        if (bill.cacheHitRatio() != null) {
            line.append(" cache_hit_ratio=").append(bill.cacheHitRatio().toPlainString());
        }
        amount(line, "cost_usd", bill.cost().total());
        amount(line, "upstream_cost_usd", bill.upstreamCost());
        amount(line, "residual_usd", bill.residual());
        amount(line, "byok_fee_usd", bill.byokFee());
        if (!bill.notes().isEmpty()) {
            line.append(" billing_notes=\"").append(String.join("; ", bill.notes()).replace('"', '\'')).append('"');
        }
    }

    private static void amount(StringBuilder line, String name, BigDecimal value) {
        if (value != null) {
            line.append(' ').append(name).append('=').append(Money.format(value));
        }
    }
}
