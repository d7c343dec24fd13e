package dev.ccrouter.http;

/** Answers one request. It sends the response, or the routing's error handler answers for it. */
@FunctionalInterface
public interface Handler {
    void handle(ServerRequest req, ServerResponse res);
}
