package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.api.anthropic.Usage;
import dev.ccrouter.billing.Bill;
import dev.ccrouter.billing.GenerationLookups;
import dev.ccrouter.ledger.LedgerEntry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Turns each finished exchange into its {@link LedgerEntry} and hands it to the ledger and the metrics. Runs on the
 * request's thread at its very end, so it only reads what is already in memory; the one exception waits off that
 * thread: a stream cut off before its usage, whose provider tells the usage afterwards, is recorded once the provider
 * has told it ({@link GenerationLookups}), or has not within about a minute (then as it ended, as before).
 */
final class LedgerEntries implements AccessLog.Listener {
    private final Supplier<RequestFacts> facts;
    private final List<Consumer<LedgerEntry>> sinks;
    private final GenerationLookups lookups;

    LedgerEntries(Supplier<RequestFacts> facts, List<Consumer<LedgerEntry>> sinks, GenerationLookups lookups) {
        this.facts = facts;
        this.sinks = List.copyOf(sinks);
        this.lookups = lookups;
    }

    @Override
    public void finished(Exchange exchange) {
        RequestFacts request = facts.get(); // the request's own: read now, on its thread
        long endNanos = System.nanoTime();
        if (exchange.usageLookup != null && lookups.lookUp(exchange.usageLookup,
                bill -> record(entryOf(exchange, request, endNanos, bill)),
                () -> record(entryOf(exchange, request, endNanos, exchange.bill)))) { // none, or the estimate
            return;
        }
        record(entryOf(exchange, request, endNanos, exchange.bill));
    }

    private void record(LedgerEntry entry) {
        sinks.forEach(sink -> sink.accept(entry));
    }

    /** @param bill the exchange's, or the one its provider told afterwards (the exchange is not changed) */
    private LedgerEntry entryOf(Exchange exchange, RequestFacts request, long endNanos, Bill bill) {
        long durationMillis = TimeUnit.NANOSECONDS.toMillis(endNanos - exchange.startNanos);
        Long ttfbMillis = request == null || request.firstByteNanos == 0 ? null
                : TimeUnit.NANOSECONDS.toMillis(request.firstByteNanos - exchange.startNanos);
        boolean reachedUpstream = !exchange.upstreamModel.isEmpty();
        return new LedgerEntry(
                request != null ? request.arrived : Instant.now().minusMillis(durationMillis),
                exchange.requestId,
                request == null ? null : request.clientKeyId,
                // A key a client pasted into its model name or its session id is stored nowhere: not in the
                // ledger, the dashboard or the metrics' labels, which all read these fields.
                request == null || request.sessionId == null ? null : stored(request.sessionId),
                stored(exchange.model),
                exchange.route.isEmpty() ? null : exchange.route,
                reachedUpstream ? providerName(exchange.provider) : null,
                reachedUpstream ? stored(exchange.upstreamModel) : null,
                exchange.stream,
                status(exchange),
                errorType(exchange),
                exchange.stopReason,
                tokens(bill),
                spend(bill),
                ttfbMillis,
                durationMillis,
                exchange.retries,
                exchange.fallbacks);
    }

    /**
     * A model name (or a session id) as the ledger, the dashboard and the metrics keep it: without keys, and cut as
     * the access log cuts it. The client chooses it, and a family route passes any name on: a metrics label megabytes
     * long would stay in the heap for good and be written once per histogram bucket at every scrape.
     */
    private static String stored(String model) {
        String stored = SecretRedaction.withoutKeys(model);
        return stored.length() <= AccessLog.MAX_FIELD_CHARS ? stored
                : stored.substring(0, AccessLog.MAX_FIELD_CHARS) + "...(" + stored.length() + " chars)";
    }

    /** The provider part of the {@code provider,model} that answered. */
    private static String providerName(String label) {
        int comma = label.indexOf(',');
        return comma < 0 ? label : label.substring(0, comma);
    }

    /** What the client got; an exception that escaped the handler becomes the error handler's 500. */
    private static int status(Exchange exchange) {
        if (exchange.error != null) {
            return exchange.error.status();
        }
        return exchange.status == 0 ? ErrorType.API.status() : exchange.status;
    }

    private static String errorType(Exchange exchange) {
        if (exchange.error != null) {
            return exchange.error.type().wireName();
        }
        if (exchange.streamError != null) {
            return exchange.streamError;
        }
        return exchange.status == 0 ? ErrorType.API.wireName() : null;
    }

    private static LedgerEntry.Tokens tokens(Bill bill) {
        if (bill == null) {
            return LedgerEntry.Tokens.NONE;
        }
        Usage usage = bill.usage();
        return new LedgerEntry.Tokens(usage.inputTokens(), usage.outputTokens(), usage.cacheReadInputTokens(),
                usage.cacheCreation5m(), usage.cacheCreation1h(), usage.thinkingTokens(), bill.estimated());
    }

    private static LedgerEntry.Spend spend(Bill bill) {
        if (bill == null) {
            return LedgerEntry.Spend.UNKNOWN;
        }
        // The savings come with the bill, priced as it was: a target's configured prices, not the catalog's.
        return new LedgerEntry.Spend(bill.cost().total(), bill.upstreamCost(), bill.residual(), bill.cacheSavings());
    }
}
