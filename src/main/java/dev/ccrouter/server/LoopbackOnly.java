package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.http.Handler;
import dev.ccrouter.http.HeaderName;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.RequestHeaders;
import dev.ccrouter.http.ServerRequest;
import java.util.List;
import java.util.function.Supplier;

/**
 * Operator pages ({@code /metrics}, {@code /dashboard}, {@code /statusline}) without a gateway key: for clients on
 * this machine, or with one of {@code auth.admin_keys}; whoever else asks gets 403 in Anthropic's envelope.
 *
 * <p>A loopback peer alone does not make a client local. A reverse proxy on this machine (the README's nginx and
 * Caddy set-ups) relays every client of the internet from 127.0.0.1, and says so in its forwarding headers; and on a
 * gateway listening on every address, a web page that re-pointed its own name at 127.0.0.1 (DNS rebinding) still asks
 * for its own {@code Host}. So a local request is one from a loopback address, without forwarding headers, addressed to
 * a loopback name.
 */
final class LoopbackOnly {
    private static final List<HeaderName> FORWARDING = List.of(HeaderNames.create("X-Forwarded-For"),
            HeaderNames.X_FORWARDED_HOST, HeaderNames.create("Forwarded"), HeaderNames.create("X-Real-IP"));

    private LoopbackOnly() {
    }

    static Handler guard(Handler handler, ErrorResponses errors, Supplier<KeyDigests> adminKeys) {
        return (req, res) -> {
            if (fromThisMachine(req) || adminKeys.get().contains(ClientCredentials.apiKey(req.headers()))) {
                handler.handle(req, res);
            } else {
                errors.send(res, AnthropicError.of(ErrorType.PERMISSION, req.path() + " is served to clients on this"
                        + " machine only (at localhost, 127.0.0.1 or [::1], not through a proxy), or with one of"
                        + " auth.admin_keys."), Ids.next("req_"));
            }
        };
    }

    private static boolean fromThisMachine(ServerRequest req) {
        if (!req.remotePeer().getAddress().isLoopbackAddress()) {
            return false;
        }
        RequestHeaders headers = req.headers();
        for (HeaderName forwarding : FORWARDING) {
            if (headers.contains(forwarding)) {
                return false;
            }
        }
        // Only HTTP/1.0 may leave Host out, and no browser does.
        return headers.first(HeaderNames.HOST).map(host -> BrowserGuard.LOOPBACK_NAMES.contains(BrowserGuard.hostName(host)))
                .orElse(true);
    }
}
