package dev.ccrouter.http;

/**
 * Told of every connection the server accepts, on the connection's own thread before its first read, so it can keep
 * what it knows of the connection where that thread's filters and handlers find it.
 */
@FunctionalInterface
public interface ConnectionGate {
    ConnectionGate OPEN = connection -> Observer.NONE;

    Observer opened(Connection connection);

    /** A connection's life, told on its own thread. */
    interface Observer {
        Observer NONE = new Observer() {
        };

        /** The first byte of a request head arrived. */
        default void headStarted() {
        }

        /**
         * A write to the client begins (once for each system call of it, so each call that returns made progress):
         * one that never returns is a client that reads nothing, for the gate to end by closing the connection.
         */
        default void writeStarted() {
        }

        /** The write under way returned. */
        default void writeEnded() {
        }

        /** The connection is closed; nothing more comes from it. */
        default void closed() {
        }
    }
}
