package dev.ccrouter.config;

import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host and port of an http(s) URL, including a host {@link URI} reads no host from: a name with an underscore,
 * which Docker Compose service and container names often have ({@code http://llama_cpp:8080/v1}), makes its authority
 * "registry-based", with no {@link URI#getHost()} and no {@link URI#getPort()}. Resolvers take such names, so the
 * gateway does too.
 */
public final class UrlHosts {
    /** A host name of letters, digits, {@code - _ .}, an optional port, after any user information. */
    private static final Pattern NAME_AND_PORT = Pattern.compile("(?:.*@)?([A-Za-z0-9_.-]+)(?::([0-9]{1,5}))?");

    private UrlHosts() {
    }

    /** The URL's host (an IPv6 address in brackets, as {@link URI} gives it), or null when it names none. */
    public static String host(URI url) {
        if (url.getHost() != null) {
            return url.getHost();
        }
        Matcher name = registryName(url);
        return name == null ? null : name.group(1);
    }

    /** The URL's port, or -1 when it gives none. */
    public static int port(URI url) {
        if (url.getHost() != null) {
            return url.getPort();
        }
        Matcher name = registryName(url);
        return name == null || name.group(2) == null ? -1 : Integer.parseInt(name.group(2));
    }

    /** {@code host} or {@code host:port} as a URL writes it: the port only when the URL gives one. */
    public static String hostAndPort(URI url) {
        int port = port(url);
        return host(url) + (port < 0 ? "" : ":" + port);
    }

    private static Matcher registryName(URI url) {
        String authority = url.getRawAuthority();
        if (authority == null) {
            return null;
        }
        Matcher name = NAME_AND_PORT.matcher(authority);
        return name.matches() && Integer.parseInt(name.group(2) == null ? "0" : name.group(2)) <= 65_535
                && !name.group(1).startsWith(".") && !name.group(1).endsWith(".") ? name : null;
    }
}
