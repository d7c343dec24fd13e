package dev.ccrouter.server;

import dev.ccrouter.config.PublicUrl;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code GET /install.sh}: the installer, pointing at this instance. The instance's URL is {@code server.public_url}
 * when configured; otherwise it is read from the request: {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}
 * (first value of each, as a reverse proxy sets them), else {@code Host} over {@code http}.
 *
 * <p>The headers are the client's own words and only shape the script that same client receives ({@code no-store}
 * keeps caches from passing it on), but they end up inside a bash script, so anything that is not a plain URL is
 * refused rather than cleaned up. The refusal is itself a script that prints why and exits 1, so that even
 * {@code curl … | bash} without {@code -f} tells the user what went wrong.
 */
final class InstallScriptHandler implements Handler {
    static final String CONTENT_TYPE = "text/x-shellscript; charset=utf-8";
    private static final HeaderName FORWARDED_PROTO = HeaderNames.create("X-Forwarded-Proto");
    private static final HeaderName FORWARDED_HOST = HeaderNames.create("X-Forwarded-Host");

    private final InstallScript script;
    private final PublicUrl configured;

    /** @param configured {@code server.public_url}, or null to read the URL from each request */
    InstallScriptHandler(InstallScript script, PublicUrl configured) {
        this.script = script;
        this.configured = configured;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        Optional<PublicUrl> instance = configured != null ? Optional.of(configured) : fromHeaders(req.headers());
        if (instance.isEmpty()) {
            res.status(Status.BAD_REQUEST_400);
            res.send(("echo 'ccrouter: this server cannot tell its own public URL from the request (Host, "
                    + "X-Forwarded-Host and X-Forwarded-Proto are missing or not a plain host name and http/https); "
                    + "its operator can set server.public_url (CCROUTER_PUBLIC_URL).' >&2\nexit 1\n")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        res.send(script.render(instance.get()));
    }

    private static Optional<PublicUrl> fromHeaders(ServerRequestHeaders headers) {
        return fromHeaders(headers.first(FORWARDED_PROTO).orElse(null), headers.first(FORWARDED_HOST).orElse(null),
                headers.first(HeaderNames.HOST).orElse(null));
    }

    /** The instance's URL from the three header values (each may be null), or empty when they do not make one. */
    static Optional<PublicUrl> fromHeaders(String forwardedProto, String forwardedHost, String host) {
        String scheme = isBlank(forwardedProto) ? "http" : firstValue(forwardedProto).toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.empty();
        }
        String authority = isBlank(forwardedHost) ? firstValue(host) : firstValue(forwardedHost);
        // A host header names a host and port, never a path: "example.com/x" would otherwise pass as a URL.
        if (authority.isEmpty() || authority.contains("/")) {
            return Optional.empty();
        }
        return PublicUrl.parse(scheme + "://" + authority);
    }

    private static boolean isBlank(String header) {
        return header == null || header.isBlank();
    }

    /** Proxies in a chain append: {@code X-Forwarded-Host: outer.example.com, inner.local}; the first is the client's. */
    private static String firstValue(String header) {
        if (header == null) {
            return "";
        }
        int comma = header.indexOf(',');
        return (comma < 0 ? header : header.substring(0, comma)).strip();
    }
}
