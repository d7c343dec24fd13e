package dev.ccrouter.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One line per {@code /v1/messages} request: what was asked, where it went, how it ended, what it used. */
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
                .append(" stream=").append(exchange.stream)
                .append(" upstream_status=").append(exchange.upstreamStatus)
                .append(" ms=").append(micros / 1000).append('.').append(String.format("%03d", micros % 1000));
        if (exchange.usage != null) {
            line.append(" input_tokens=").append(exchange.usage.inputTokens())
                    .append(" output_tokens=").append(exchange.usage.outputTokens())
                    .append(" cache_read=").append(exchange.usage.cacheReadInputTokens())
                    .append(" cache_write=").append(exchange.usage.cacheCreationInputTokens());
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
}
