package dev.ccrouter.http;

/** Answers a request whose handler threw, or returned without sending anything. */
@FunctionalInterface
public interface ErrorHandler {
    void handle(ServerRequest req, ServerResponse res, Exception failure);
}
