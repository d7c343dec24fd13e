package dev.ccrouter.server;

import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.RequestHeaders;
import dev.ccrouter.http.ServerRequest;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The URL users reach this instance at, as the setup commands show it: the configured {@code server.public_url};
 * else the scheme from {@code X-Forwarded-Proto} (default {@code http}) and the host from {@code X-Forwarded-Host},
 * else from {@code Host} — the first value where a proxy sent a comma-separated list. The {@code X-Forwarded-*}
 * headers count only when the request comes from one of {@code server.trusted_proxies} ({@link TrustedProxies}).
 *
 * <p>The result is pasted into HTML and into shell commands users run, and the headers are the client's to choose, so a
 * header value is used only when it is a plain {@code host[:port]}; anything else is ignored, never echoed. The
 * configured URL was held to the same character set when the configuration was loaded.
 */
public final class InstanceUrl {
    private static final Pattern AUTHORITY =
            Pattern.compile("([A-Za-z0-9.-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}])(:[0-9]{1,5})?");

    private InstanceUrl() {
    }

    public static String from(ServerRequest request, GatewayConfig config) {
        RequestHeaders headers = request.headers();
        InetAddress peer = request.remotePeer().getAddress();
        boolean viaTrustedProxy = new TrustedProxies(config.edge().trustedProxies()).trusts(peer);
        return from(config.publicUrl(),
                viaTrustedProxy ? headers.first(HeaderNames.X_FORWARDED_PROTO) : Optional.empty(),
                viaTrustedProxy ? headers.first(HeaderNames.X_FORWARDED_HOST) : Optional.empty(),
                headers.first(HeaderNames.HOST), request.localPeer().getPort());
    }

    /** The rule itself; {@code localPort} only serves when no header names a usable host (HTTP/1.0, a forged Host). */
    static String from(String publicUrl, Optional<String> forwardedProto, Optional<String> forwardedHost,
                       Optional<String> host, int localPort) {
        if (publicUrl != null) {
            return publicUrl;
        }
        String scheme = forwardedProto.map(InstanceUrl::firstOfList)
                .map(value -> value.toLowerCase(Locale.ROOT))
                .filter(value -> value.equals("http") || value.equals("https"))
                .orElse("http");
        String authority = forwardedHost.map(InstanceUrl::firstOfList).filter(InstanceUrl::isAuthority)
                .or(() -> host.map(String::strip).filter(InstanceUrl::isAuthority))
                .orElse("127.0.0.1:" + localPort);
        return scheme + "://" + authority;
    }

    private static boolean isAuthority(String value) {
        if (!AUTHORITY.matcher(value).matches()) {
            return false;
        }
        try { // "[1.2]" has the characters of an IPv6 literal, and is none: the page could not read its host back
            new URI("http://" + value);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String firstOfList(String value) {
        int comma = value.indexOf(',');
        return (comma < 0 ? value : value.substring(0, comma)).strip();
    }
}
