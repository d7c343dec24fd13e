package dev.ccrouter.http;

/**
 * Answers one request. It sends the response; if it throws before sending one, the routing's error handler answers.
 */
@FunctionalInterface
public interface Handler {
    void handle(ServerRequest req, ServerResponse res) throws Exception;
}
