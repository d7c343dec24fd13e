package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.http.Filter;
import dev.ccrouter.http.HeaderName;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.http.ServerResponse;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps web pages the user happens to visit from using the gateway (and, once it holds provider keys, their money).
 * A page can reach {@code http://127.0.0.1:8787} from the user's own browser in three ways, and each is closed here:
 *
 * <ul>
 *   <li>A "simple" cross-origin request needs no preflight when its body is {@code text/plain}, a form or multipart:
 *   every POST must be {@code application/json} (415 otherwise), which a browser only sends cross-origin after a
 *   preflight that this gateway does not grant.</li>
 *   <li>CORS: no CORS header is ever sent, unless {@code server.cors_origins} names origins explicitly; then those
 *   origins (and only those) get them. A POST that carries any other {@code Origin} is refused 403.</li>
 *   <li>DNS rebinding: a page on {@code evil.example} re-points its name at 127.0.0.1 and is then same-origin with
 *   the gateway. Its requests still say {@code Host: evil.example}, so on a loopback bind only loopback names and the
 *   configured public host are answered (403 otherwise). Requests through a trusted proxy are the proxy's to check.</li>
 * </ul>
 */
final class BrowserGuard implements Filter {
    private static final HeaderName ORIGIN = HeaderNames.ORIGIN;
    private static final String ALLOWED_HEADERS = "content-type, x-api-key, authorization, anthropic-version, "
            + "anthropic-beta, x-claude-code-session-id, http-referer, x-title";

    private final ErrorResponses errors;
    private final boolean loopbackBind;
    /** The loopback names a {@code Host} header may give, any port ({@code [::1]} with its brackets). */
    static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "[::1]");
    private final Set<String> allowedHosts = new HashSet<>(LOOPBACK_NAMES);
    private final Set<String> corsOrigins;
    private final TrustedProxies trustedProxies;

    BrowserGuard(GatewayConfig config, ErrorResponses errors) {
        this.errors = errors;
        this.loopbackBind = isLoopback(config.host());
        if (config.publicUrl() != null) {
            allowedHosts.add(URI.create(config.publicUrl()).getHost().toLowerCase(Locale.ROOT));
        }
        this.corsOrigins = Set.copyOf(config.edge().corsOrigins());
        this.trustedProxies = new TrustedProxies(config.edge().trustedProxies());
    }

    @Override
    public void filter(Filter.Chain chain, ServerRequest req, ServerResponse res) throws Exception {
        Optional<String> origin = req.headers().first(ORIGIN);
        boolean corsAllowed = origin.isPresent() && corsOrigins.contains(origin.get());
        if (corsAllowed) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin.get());
            res.header(HeaderNames.VARY, "Origin");
        }
        if (loopbackBind && !fromTrustedProxy(req) && !allowedHost(req.headers().first(HeaderNames.HOST))) {
            refuse(res, AnthropicError.of(ErrorType.PERMISSION, "This gateway listens on a loopback address and "
                    + "answers only requests addressed to localhost, 127.0.0.1 or [::1] (or server.public_url's host)."));
            return;
        }
        String method = req.method();
        if (method.equals("OPTIONS") && corsAllowed) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST");
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "600");
            res.status(204).send();
            return;
        }
        if (method.equals("POST")) {
            if (origin.isPresent() && !corsAllowed) {
                refuse(res, AnthropicError.of(ErrorType.PERMISSION, "Cross-origin requests are not accepted from this "
                        + "origin (allow it with server.cors_origins)."));
                return;
            }
            if (!isJson(req.headers().first(HeaderNames.CONTENT_TYPE))) {
                refuse(res, new AnthropicError(415, ErrorType.INVALID_REQUEST,
                        "Content-Type must be application/json.", null));
                return;
            }
        }
        chain.proceed();
    }

    private void refuse(ServerResponse res, AnthropicError error) {
        errors.send(res, error, Ids.next("req_"));
    }

    private boolean fromTrustedProxy(ServerRequest req) {
        return trustedProxies.trusts(req.remotePeer().getAddress());
    }

    /** The host part of a {@code Host} header (any port) is one of the allowed names. */
    private boolean allowedHost(Optional<String> header) {
        if (header.isEmpty()) {
            // Only HTTP/1.0 may omit Host (the server refuses an HTTP/1.1 request without one), and no browser does:
            // such a request cannot be a page's rebound to this gateway.
            return true;
        }
        return allowedHosts.contains(hostName(header.get()));
    }

    /** The name a {@code Host} header gives, lower-cased, without its port ({@code [::1]} keeps its brackets). */
    static String hostName(String header) {
        String value = header.strip().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            return close < 0 ? value : value.substring(0, close + 1);
        }
        int colon = value.lastIndexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }

    /** {@code application/json}, with or without parameters such as {@code charset=utf-8}. */
    private static boolean isJson(Optional<String> contentType) {
        return contentType.map(value -> {
            int semicolon = value.indexOf(';');
            return (semicolon < 0 ? value : value.substring(0, semicolon)).strip().equalsIgnoreCase("application/json");
        }).orElse(false);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host)
                    .isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
