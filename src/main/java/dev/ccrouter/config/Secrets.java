package dev.ccrouter.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How a key may be shown: never whole. */
public final class Secrets {
    /**
     * A password in a URL: a parameter named {@code password} or ending in it ({@code sslpassword=…}, PostgreSQL's
     * client key's), or {@code user:…@} before its host.
     */
    private static final Pattern PASSWORD = Pattern.compile(
            "(?i)((?:[?&;][a-z_.-]*password=)[^&;]*)|(//[^/@:?#]*:)[^/@?#]*@");

    /**
     * What a provider's key looks like, found without the key at hand: OpenAI's, OpenRouter's, Anthropic's and most
     * others' start so. The configuration's messages show such tokens masked; the server redacts them from what it
     * logs and stores.
     */
    public static final Pattern KEY_SHAPED = Pattern.compile("(?i)sk-[a-z0-9_-]{6,}");

    /** Keys shorter than this show nothing of themselves; longer ones their last four characters. */
    private static final int SHOWN_FROM_LENGTH = 16;

    private Secrets() {
    }

    /** {@code sk-…abcd} for {@code sk-or-v1-…abcd}, {@code …abcd} for other long keys, {@code …} for short ones. */
    public static String mask(String key) {
        if (key == null || key.length() < SHOWN_FROM_LENGTH) {
            return "…";
        }
        return (key.startsWith("sk-") ? "sk-" : "") + "…" + key.substring(key.length() - 4);
    }

    /**
     * The text with every key-shaped token ({@link #KEY_SHAPED}) shown as a key is ({@link #mask}): a key pasted
     * where another value, or a setting's name, belongs is echoed by the error that refuses it.
     */
    public static String maskKeys(String text) {
        return KEY_SHAPED.matcher(text).replaceAll(token -> Matcher.quoteReplacement(mask(token.group())));
    }

    /** A token before a URL's host without a user: {@code //token@}. */
    private static final Pattern TOKEN = Pattern.compile("//[^/@:?#]+@");

    /**
     * A service's address as it may be shown: its password masked ({@code https://user:…@proxy/v1}), a token before
     * its host without a user too ({@code https://…@proxy/v1}), and no query, where a key may be.
     */
    public static String maskAddress(String url) {
        String masked = maskPassword(withoutBareUserInfo(url));
        String shown = withoutBrokenUserInfo(TOKEN.matcher(masked).replaceFirst("//…@"));
        int query = shown.indexOf('?');
        return query < 0 ? shown : shown.substring(0, query);
    }

    /**
     * User information with no {@code //} before it, the scheme left out or written without its slashes
     * ({@code user:pw@proxy/v1}, {@code https:user:pw@proxy/v1}): all before the last {@code @} (a password may hold
     * a '/'), after an http(s) scheme; a user name before a ':' is kept.
     */
    private static final Pattern BARE_USER_INFO = Pattern.compile("(?i)^(https?:)?(?:([^:@]*):)?.*@");

    /** The address with user information written without {@code //} before it masked ({@link #BARE_USER_INFO}). */
    private static String withoutBareUserInfo(String url) {
        int slashes = url.indexOf("//");
        int at = url.lastIndexOf('@');
        if (at < 0 || slashes >= 0 && slashes < at) {
            return url;
        }
        return BARE_USER_INFO.matcher(url).replaceFirst(match -> Matcher.quoteReplacement(
                (match.group(1) == null ? "" : match.group(1)) + (match.group(2) == null ? "" : match.group(2) + ":")
                        + "…@"));
    }

    /** User information already masked: {@code …} or {@code user:…}. */
    private static final Pattern MASKED_USER_INFO = Pattern.compile("(?:[^/@:?#]*:)?…");

    /**
     * An address with everything between {@code //} and its last {@code @} masked, unless that is masked already: a
     * password written as it is, with a '/', '?' or '#' in it (base64 has '/'), ends the patterns above early, and
     * such an address is shown in the error that says it is not one.
     */
    private static String withoutBrokenUserInfo(String shown) {
        int start = shown.indexOf("//");
        int at = shown.lastIndexOf('@');
        if (start < 0 || at < start || MASKED_USER_INFO.matcher(shown).region(start + 2, at).matches()) {
            return shown;
        }
        return shown.substring(0, start + 2) + "…" + shown.substring(at);
    }

    /**
     * Text that may quote an address, as it may be shown: a database driver's message names the URL it could not
     * parse, or the user information before a host it took for the host's name ({@code u:pw@127.0.0.1}). The address
     * is shown as {@link #maskAddress} shows it, passwords written as URLs write them are masked, and none of the
     * address's own passwords is left anywhere in it, however the text quotes them (a password's every occurrence
     * goes, even inside another word: a message made harder to read is better than a password shown).
     */
    public static String maskAddressIn(String text, String url) {
        String shown = maskPassword(text.replace(url, maskAddress(url)));
        for (String password : passwordsIn(url)) {
            shown = shown.replace(password, "…");
        }
        return shown;
    }

    /** The passwords an address holds, as written and percent-decoded (as a driver reads them); none empty. */
    private static Set<String> passwordsIn(String url) {
        Set<String> passwords = new LinkedHashSet<>();
        Matcher match = PASSWORD.matcher(url);
        while (match.find()) {
            String password = match.group(1) != null ? match.group(1).substring(match.group(1).indexOf('=') + 1)
                    : match.group(0).substring(match.group(2).length(), match.group(0).length() - 1);
            if (!password.isEmpty()) {
                passwords.add(password);
                try {
                    passwords.add(URLDecoder.decode(password, StandardCharsets.UTF_8));
                } catch (IllegalArgumentException notEncoded) {
                    // a '%' not followed by two hex digits: the password as written is all there is
                }
            }
        }
        return passwords;
    }

    /** A URL with its password, if any, replaced by {@code …}: a database URL may carry one. */
    public static String maskPassword(String url) {
        return PASSWORD.matcher(url).replaceAll(match -> Matcher.quoteReplacement(match.group(1) != null
                ? match.group(1).substring(0, match.group(1).indexOf('=') + 1) + "…" : match.group(2) + "…@"));
    }
}
