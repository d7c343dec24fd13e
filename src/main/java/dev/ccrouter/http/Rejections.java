package dev.ccrouter.http;

/**
 * Answers a request refused before routing (a malformed head, one too large, an unsupported version, a body whose
 * framing broke): the response gets the status; its connection closes after it.
 */
@FunctionalInterface
public interface Rejections {
    Rejections PLAIN = (status, message, res) -> res.header(HeaderNames.CONTENT_TYPE, "text/plain").send(message);

    void reject(int status, String message, ServerResponse res);
}
