package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * An Anthropic request translated for {@code /chat/completions}, with what the response side needs to translate back.
 *
 * @param body          the upstream JSON body
 * @param toolNames     how tool names were shortened, to map them back
 * @param stream        whether the client asked for a stream
 * @param stopSequences the client's stop sequences, to tell which one matched
 * @param cacheTtl1h    every cache breakpoint in the request asked for {@code ttl: "1h"} (cache writes are then 1-hour writes)
 */
public record ChatRequest(ObjectNode body,
                          ToolNameMap toolNames,
                          boolean stream,
                          List<String> stopSequences,
                          boolean cacheTtl1h) {
}
