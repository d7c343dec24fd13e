package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.Usage;

/**
 * Turns the upstream's final OpenAI {@code usage} object into Anthropic usage, and bills a failed answer's. The
 * server supplies the one implementation (billing's usage accounting, which also prices the request), so that the
 * body, the stream's {@code message_delta}, the billing headers and the access log all show the numbers of a single
 * computation; the translators only say when it is called.
 */
@FunctionalInterface
public interface UsageMapper {
    /**
     * Called at most once per response, when it ends, with the upstream's usage object; never called when it sent
     * none.
     *
     * @param estimate the gateway's own count of the answer (input estimated from the request, output at four
     *                 characters a token), for a usage object that is no report: one whose counts are not counts
     *                 ({@code 1e30}, {@code -5}, {@code "ten"}) is treated as usage never sent
     * @return the usage the answer shows
     */
    Usage map(JsonNode openAiUsage, Usage estimate);

    /**
     * Called instead of {@link #map}, at most once, when the answer fails (the client gets an error and no
     * {@code message_delta}) after the upstream had sent this usage object: the provider charges for what it counted,
     * failure or not, so that usage is billed all the same. Never called for a failure without usage, which keeps no
     * bill. Nothing to do for a caller that does not bill.
     */
    default void failed(JsonNode openAiUsage) {
    }
}
