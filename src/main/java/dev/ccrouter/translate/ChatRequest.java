package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.CacheTtls;
import java.util.List;

/**
 * An Anthropic request translated for {@code /chat/completions}, with what the response side needs to translate back.
 *
 * @param body          the upstream JSON body
 * @param toolNames     how tool names were shortened, to map them back
 * @param stream        whether the client asked for a stream
 * @param stopSequences the client's stop sequences, to tell which one matched
 * @param cacheTtls     the TTLs of the cache breakpoints sent upstream, which price the cache writes
 */
public record ChatRequest(ObjectNode body,
                          ToolNameMap toolNames,
                          boolean stream,
                          List<String> stopSequences,
                          CacheTtls cacheTtls) {
}
