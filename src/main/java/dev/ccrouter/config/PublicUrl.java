package dev.ccrouter.config;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The address at which users reach this gateway, such as {@code https://ccrouter.example.com} or
 * {@code http://127.0.0.1:8787}. {@code GET /install.sh} writes it into a bash script, so only a strict character set
 * is accepted: a scheme, a host name or bracketed IPv6 address, an optional port and an optional path of
 * {@code [A-Za-z0-9._~/-]}. None of those characters means anything inside a single-quoted shell string (nor inside
 * a double-quoted one), which is what makes embedding it safe. A trailing {@code /} is dropped.
 *
 * @param value the URL, without a trailing slash
 */
public record PublicUrl(String value) {
    private static final Pattern SAFE = Pattern.compile(
            "https?://([A-Za-z0-9][A-Za-z0-9.-]*|\\[[0-9A-Fa-f:.]+])(:[0-9]{1,5})?(/[A-Za-z0-9._~/-]*)?");

    public PublicUrl {
        if (!isSafe(value)) {
            throw new IllegalArgumentException("not a plain http(s) URL: " + value);
        }
    }

    /** The URL when {@code text} is one (after stripping blanks and trailing slashes), else empty. */
    public static Optional<PublicUrl> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String url = text.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return isSafe(url) ? Optional.of(new PublicUrl(url)) : Optional.empty();
    }

    private static boolean isSafe(String url) {
        if (url == null || url.length() > 2048 || url.endsWith("/")) {
            return false;
        }
        Matcher parts = SAFE.matcher(url);
        if (!parts.matches()) {
            return false;
        }
        String port = parts.group(2);
        return port == null || inPortRange(Integer.parseInt(port.substring(1)));
    }

    private static boolean inPortRange(int port) {
        return port >= 1 && port <= 65535;
    }

    @Override
    public String toString() {
        return value;
    }
}
