package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.http.Handler;

/**
 * Operator pages ({@code /metrics}, {@code /dashboard}) without a key, for clients on this machine only: whoever
 * else asks gets 403 in Anthropic's envelope. (An admin key for remote access comes with the auth settings.)
 */
final class LoopbackOnly {
    private LoopbackOnly() {
    }

    static Handler guard(Handler handler, ErrorResponses errors) {
        return (req, res) -> {
            if (req.remotePeer().getAddress().isLoopbackAddress()) {
                handler.handle(req, res);
            } else {
                errors.send(res, AnthropicError.of(ErrorType.PERMISSION,
                        req.path() + " is served to clients on this machine only."), Ids.next("req_"));
            }
        };
    }
}
