package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * Anthropic usage. {@code inputTokens} counts only what came after the last cache breakpoint:
 * the whole prompt is {@code inputTokens + cacheCreationInputTokens + cacheReadInputTokens}.
 *
 * @param cacheCreation5m part of the cache writes that asked for the 5-minute TTL
 * @param cacheCreation1h part of the cache writes that asked for the 1-hour TTL
 * @param thinkingTokens  part of {@code outputTokens} the model spent reasoning (0 when the upstream did not say);
 *                        shown as {@code output_tokens_details.thinking_tokens}
 * @param webSearchRequests web searches run for the answer, shown as
 *                          {@code server_tool_use: {web_search_requests, web_fetch_requests}} (null when none ran, as
 *                          Anthropic shows it)
 */
public record Usage(long inputTokens,
                    long outputTokens,
                    long cacheCreationInputTokens,
                    long cacheReadInputTokens,
                    long cacheCreation5m,
                    long cacheCreation1h,
                    long thinkingTokens,
                    long webSearchRequests) {

    public static final Usage ZERO = new Usage(0, 0, 0, 0, 0, 0, 0);

    /**
     * The largest token count one request can report: 10^9. The largest context windows on offer hold 10^7 tokens, so
     * no real prompt or answer comes within a hundredfold of it; a larger "count" is an upstream's fault (a float such
     * as {@code 1e30}, an integer that wrapped), not usage. Bounded so, a sum of counts stays below 2^63 for
     * 9.2 × 10^9 rows each at the bound (29 years of ten requests a second, every one claiming a billion tokens):
     * no total the ledger reports can overflow.
     */
    public static final long MAX_TOKENS = 1_000_000_000L;

    /** Usage of an answer that ran no web search. */
    public Usage(long inputTokens, long outputTokens, long cacheCreationInputTokens, long cacheReadInputTokens,
                 long cacheCreation5m, long cacheCreation1h, long thinkingTokens) {
        this(inputTokens, outputTokens, cacheCreationInputTokens, cacheReadInputTokens, cacheCreation5m,
                cacheCreation1h, thinkingTokens, 0);
    }

    /** Usage the gateway estimated because the upstream has not counted (yet): no cache figures, no details. */
    public static Usage estimate(long inputTokens, long outputTokens) {
        return new Usage(inputTokens, outputTokens, 0, 0, 0, 0, 0);
    }

    /** The {@code usage} object of a Message, as a tree (a bill carries it). */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("input_tokens", inputTokens);
        node.put("cache_creation_input_tokens", cacheCreationInputTokens);
        node.put("cache_read_input_tokens", cacheReadInputTokens);
        ObjectNode creation = node.putObject("cache_creation");
        creation.put("ephemeral_5m_input_tokens", cacheCreation5m);
        creation.put("ephemeral_1h_input_tokens", cacheCreation1h);
        node.put("output_tokens", outputTokens);
        putOutputDetails(node);
        if (webSearchRequests > 0) {
            node.putObject("server_tool_use").put("web_search_requests", webSearchRequests).put("web_fetch_requests", 0);
        } else {
            node.putNull("server_tool_use");
        }
        node.put("service_tier", "standard");
        node.putNull("inference_geo");
        return node;
    }

    /**
     * Writes {@link #toJson()}'s object straight to a generator, without the tree: how every response writes it
     * (the same fields, in the same order; {@code UsageTest} holds the two equal).
     */
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        writeInputTokens(out);
        out.writeFieldName(WireNames.CACHE_CREATION);
        out.writeStartObject();
        WireNames.field(out, WireNames.EPHEMERAL_5M_INPUT_TOKENS, cacheCreation5m);
        WireNames.field(out, WireNames.EPHEMERAL_1H_INPUT_TOKENS, cacheCreation1h);
        out.writeEndObject();
        WireNames.field(out, WireNames.OUTPUT_TOKENS, outputTokens);
        writeOutputDetails(out);
        writeServerToolUse(out);
        WireNames.field(out, WireNames.SERVICE_TIER, WireNames.STANDARD);
        WireNames.nullField(out, WireNames.INFERENCE_GEO);
        out.writeEndObject();
    }

    /**
     * Writes the cumulative {@code usage} of a {@code message_delta} event (totals, not increments) straight to a
     * generator.
     */
    public void writeDelta(JsonGenerator out) throws IOException {
        out.writeStartObject();
        writeInputTokens(out);
        WireNames.field(out, WireNames.OUTPUT_TOKENS, outputTokens);
        writeOutputDetails(out);
        writeServerToolUse(out);
        out.writeEndObject();
    }

    /** The input counts both forms begin with. */
    private void writeInputTokens(JsonGenerator out) throws IOException {
        WireNames.field(out, WireNames.INPUT_TOKENS, inputTokens);
        WireNames.field(out, WireNames.CACHE_CREATION_INPUT_TOKENS, cacheCreationInputTokens);
        WireNames.field(out, WireNames.CACHE_READ_INPUT_TOKENS, cacheReadInputTokens);
    }

    private void writeServerToolUse(JsonGenerator out) throws IOException {
        if (webSearchRequests > 0) {
            out.writeFieldName(WireNames.SERVER_TOOL_USE);
            out.writeStartObject();
            WireNames.field(out, WireNames.WEB_SEARCH_REQUESTS, webSearchRequests);
            WireNames.field(out, WireNames.WEB_FETCH_REQUESTS, 0);
            out.writeEndObject();
        } else {
            WireNames.nullField(out, WireNames.SERVER_TOOL_USE);
        }
    }

    private void writeOutputDetails(JsonGenerator out) throws IOException {
        if (thinkingTokens > 0) {
            out.writeFieldName(WireNames.OUTPUT_TOKENS_DETAILS);
            out.writeStartObject();
            WireNames.field(out, WireNames.THINKING_TOKENS, thinkingTokens);
            out.writeEndObject();
        } else {
            WireNames.nullField(out, WireNames.OUTPUT_TOKENS_DETAILS);
        }
    }

    private void putOutputDetails(ObjectNode node) {
        if (thinkingTokens > 0) {
            node.putObject("output_tokens_details").put("thinking_tokens", thinkingTokens);
        } else {
            node.putNull("output_tokens_details");
        }
    }
}
