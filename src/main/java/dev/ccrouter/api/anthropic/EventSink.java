package dev.ccrouter.api.anthropic;

/** Receives Anthropic stream events in the order they must reach the client. */
@FunctionalInterface
public interface EventSink {
    void event(StreamEvent event);
}
