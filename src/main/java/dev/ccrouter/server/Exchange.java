package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.billing.Bill;
import dev.ccrouter.billing.GenerationLookups;
import dev.ccrouter.upstream.Cancellation;
import java.util.List;
import java.util.Objects;

/**
 * What happened to one {@code /v1/messages} request, filled in as it goes; read by the access log. Holds no key but
 * inside {@link #usageLookup}, which never prints it.
 */
final class Exchange {
    final String requestId;
    final long startNanos;
    String model = "";
    String upstreamModel = "";
    /** The route that matched ({@code default}, {@code background}, …) and the {@code provider,model} that answered. */
    String route = "";
    String provider = "";
    /** Targets tried after the first one failed before any byte reached the client. */
    int fallbacks;
    /** Why the answer ended ({@code end_turn}, {@code tool_use}, …); null when it did not end normally. */
    String stopReason;
    /** Calls repeated on the same target with another of its provider's keys, after a 401 or 429. */
    int retries;
    boolean stream;
    int status;
    int upstreamStatus;
    Bill bill;
    /** The upstream's id for the streamed completion ({@code gen-…} at OpenRouter); null when none came. */
    String generationId;
    /**
     * Set when a stream ended before its usage came and its provider can tell the usage afterwards: the ledger row
     * waits for that answer ({@link LedgerEntries}).
     */
    GenerationLookups.Lookup usageLookup;
    AnthropicError error;
    String streamError;
    boolean clientGone;
    /** The stream was started before the upstream answered ({@link EarlyStart}). */
    boolean startedEarly;
    /** Notices the client leaving while the upstream keeps the request waiting; set once the request is read. */
    LateDepartureWatch departure;
    /** Aborts the upstream call when the client leaves. */
    final Cancellation cancellation = new Cancellation();

    Exchange(String requestId, long startNanos) {
        this.requestId = requestId;
        this.startNanos = startNanos;
    }

    /**
     * Takes {@code keys} (nulls skipped) out of what the client chose and the access log, the ledger and the metrics
     * keep: a client that pastes its key into {@code model} has it passed on as the upstream model (and in the
     * provider's label) too. A key of any shape, not only the {@code sk-…} ones {@link SecretRedaction#withoutKeys}
     * knows without the key at hand. Only the model is searched: the other two hold a key only through it.
     */
    void keepOut(List<String> keys) {
        for (int i = 0; i < keys.size(); i++) {
            String key = keys.get(i);
            if (i > 0 && Objects.equals(key, keys.get(i - 1))) {
                continue; // the client's key, forwarded: the same key twice
            }
            String shown = SecretRedaction.withoutKey(model, key);
            if (shown != model) { // the text itself when it holds none of the key
                model = shown;
                upstreamModel = SecretRedaction.withoutKey(upstreamModel, key);
                provider = SecretRedaction.withoutKey(provider, key);
            }
        }
    }
}
