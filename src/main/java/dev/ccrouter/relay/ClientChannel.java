package dev.ccrouter.relay;

import dev.ccrouter.api.anthropic.EventSink;

/** The streaming client as the relay sees it: events go in, {@link #flush()} sends them, and it may have left. */
public interface ClientChannel extends EventSink {
    /** Sends every event received since the last flush. */
    void flush();

    /** Whether a write found the client gone. */
    boolean clientGone();
}
