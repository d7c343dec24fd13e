package dev.ccrouter.server;

/**
 * Bounds the time a handler may spend reading a request body: a client that trickles its body is cut off (408) instead
 * of holding a thread and a descriptor for as long as it likes.
 */
interface ReadDeadlines {
    /** No deadline (unit tests of the readers, which run without a server). */
    ReadDeadlines NONE = () -> () -> {
    };

    /** Starts the body deadline for the current connection; closing the result stops it. */
    Body bodyStarted();

    /** A running body deadline. */
    interface Body extends AutoCloseable {
        @Override
        void close();
    }
}
