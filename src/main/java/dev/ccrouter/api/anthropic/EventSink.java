package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Receives Anthropic stream events in the order they must reach the client. {@code data.type} always equals
 * {@code type}; the sink writes the {@code event:} line from it.
 */
@FunctionalInterface
public interface EventSink {
    void event(String type, ObjectNode data);
}
