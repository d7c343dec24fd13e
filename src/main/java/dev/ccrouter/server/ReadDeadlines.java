package dev.ccrouter.server;

/**
 * Bounds the time a handler may spend reading a request body: a client that trickles its body is cut off (408) instead
 * of holding a thread and a descriptor for as long as it likes.
 */
interface ReadDeadlines {
    /** No deadline (unit tests of the readers, which run without a server). */
    ReadDeadlines NONE = requestId -> () -> {
    };

    /**
     * Starts the body deadline for the current connection; closing the result stops it.
     *
     * @param requestId the id the request is answered and recorded under: the 408 of a body not received in time
     *                  carries it too
     */
    Body bodyStarted(String requestId);

    /** A running body deadline. */
    interface Body extends AutoCloseable {
        @Override
        void close();

        /** Whether the body ran out of time: its client has been answered 408 already, and nothing else may answer. */
        default boolean expired() {
            return false;
        }
    }
}
