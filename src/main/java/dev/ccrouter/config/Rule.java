package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;

/** What values a setting accepts: checked in {@link ConfigValidator}, described in errors and the settings table. */
sealed interface Rule {

    /** The accepted values in words, completing "must be …". */
    String valid();

    boolean accepts(JsonNode value);

    /** Whether a rejected value may be echoed in an error; keys never are. */
    default boolean echoesValue() {
        return true;
    }

    /** A rejected value as an error echoes it: without a password it may carry, a key pasted into it masked. */
    default String shown(String value) {
        return Secrets.maskKeys(Secrets.maskPassword(value));
    }

    record WholeNumber(long min, long max) implements Rule {
        @Override
        public String valid() {
            return max == Long.MAX_VALUE ? "a whole number of at least " + min
                    : "a whole number from " + min + " to " + max;
        }

        @Override
        public boolean accepts(JsonNode value) {
            try {
                long parsed = Long.parseLong(value.asText().strip());
                return parsed >= min && parsed <= max;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    record Amount() implements Rule {
        @Override
        public String valid() {
            return "an amount in US dollars of at least 0, such as 12.50";
        }

        @Override
        public boolean accepts(JsonNode value) {
            try {
                return new BigDecimal(value.asText().strip()).signum() >= 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    record Text() implements Rule {
        @Override
        public String valid() {
            return "text that is not empty";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isValueNode() && !value.asText().isBlank();
        }
    }

    /** Any text; empty leaves the feature out. */
    record OptionalText() implements Rule {
        @Override
        public String valid() {
            return "text (empty to omit)";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isValueNode();
        }
    }

    record Secret() implements Rule {
        @Override
        public String valid() {
            return "a key that is not empty (or ${ENV_VAR})";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isTextual() && !value.asText().isBlank();
        }

        @Override
        public boolean echoesValue() {
            return false;
        }
    }

    record TrueOrFalse() implements Rule {
        @Override
        public String valid() {
            return "true or false";
        }

        /** {@code "false"} in quotes is still false: refusing it, the message read "must be true or false, got 'false'". */
        @Override
        public boolean accepts(JsonNode value) {
            return value.isBoolean() || value.isTextual() && parse(value.asText()) != null;
        }

        /** true or false written as text, in the three spellings YAML's own booleans have; null for other text. */
        static Boolean parse(String text) {
            return switch (text.strip()) {
                case "true", "True", "TRUE" -> Boolean.TRUE;
                case "false", "False", "FALSE" -> Boolean.FALSE;
                default -> null;
            };
        }
    }

    record HttpUrl() implements Rule {
        @Override
        public String valid() {
            return "an http(s) URL such as https://openrouter.ai/api/v1";
        }

        /** As any address is shown: a query may carry a key ({@code ?key=…}, as Gemini's URLs do). */
        @Override
        public String shown(String value) {
            return Secrets.maskKeys(Secrets.maskAddress(value));
        }

        @Override
        public boolean accepts(JsonNode value) {
            try {
                URI uri = new URI(value.asText().strip());
                return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && UrlHosts.host(uri) != null;
            } catch (URISyntaxException e) {
                return false;
            }
        }
    }

    /**
     * The public URL is pasted into shell commands and HTML, so it may hold only characters that need no quoting in
     * either: a scheme, a host name or bracketed IPv6 address, a port, and a path of plain segments.
     */
    record PublicUrl() implements Rule {
        private static final Pattern SAFE =
                Pattern.compile("https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*/?");

        @Override
        public String valid() {
            return "empty or an http(s) URL made of letters, digits and . - _ ~ / only, such as "
                    + "https://ccrouter.example.com";
        }

        @Override
        public boolean accepts(JsonNode value) {
            String text = value.asText();
            return text.isEmpty() || SAFE.matcher(text).matches() && isUri(text);
        }

        /** {@code http://[1.2]} has only safe characters and is no URL: the start would fail reading its host. */
        private static boolean isUri(String text) {
            try {
                return new URI(text).getHost() != null;
            } catch (URISyntaxException e) {
                return false;
            }
        }
    }

    record OneOf(List<String> values) implements Rule {
        @Override
        public String valid() {
            return "one of " + String.join(", ", values);
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isTextual() && values.contains(value.asText());
        }
    }

    /** How routes, fallbacks and requests name a provider's model. */
    record Target() implements Rule {
        @Override
        public String valid() {
            return "provider,model such as deepseek,deepseek-chat";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isTextual() && Targets.parse(value.asText()).isPresent();
        }
    }

    record Name() implements Rule {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

        @Override
        public String valid() {
            return "a name of letters, digits and . _ - (no commas)";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isTextual() && NAME.matcher(value.asText()).matches();
        }
    }

    /**
     * Where to listen: a host name or an IP address, an IPv6 one bare or in brackets (with a zone after {@code %}).
     * A scheme or a port written into it ({@code 0.0.0.0:8787}, {@code http://0.0.0.0}) passed {@code config check}
     * and failed {@code serve}'s start.
     */
    record Host() implements Rule {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");

        @Override
        public String valid() {
            return "a host name or IP address such as 127.0.0.1, 0.0.0.0 or ::1 (no scheme, no port)";
        }

        @Override
        public boolean accepts(JsonNode value) {
            String host = value.asText().strip();
            if (!value.isValueNode() || host.startsWith("[") != host.endsWith("]")) {
                return false;
            }
            String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            int zone = bare.indexOf('%');
            return bare.contains(":") ? IpRange.isIpv6Literal(zone < 0 ? bare : bare.substring(0, zone))
                    : !host.startsWith("[") && NAME.matcher(bare).matches();
        }
    }

    /**
     * An IP address or a CIDR range, as {@code server.trusted_proxies} takes them ({@link IpRange}, which the server
     * reads them with too), so that {@code config check} refuses what {@code serve} would.
     */
    record AddressOrRange() implements Rule {
        @Override
        public String valid() {
            return "an IP address or CIDR range such as 10.0.0.0/8 or ::1 (not a host name)";
        }

        @Override
        public boolean accepts(JsonNode value) {
            try {
                return value.isValueNode() && IpRange.parse(value.asText()) != null;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }

    /**
     * A browser origin as browsers send it in {@code Origin}, which {@code server.cors_origins} is compared with
     * exactly: scheme, lower-case host and port, no path and no trailing slash ({@code https://app.example.com/}
     * or {@code *} would never match, and every call from that page would be refused without a word).
     */
    record Origin() implements Rule {
        private static final Pattern ORIGIN =
                Pattern.compile("[a-z][a-z0-9+.-]*://([a-z0-9.-]+|\\[[0-9a-f:.]+])(:[0-9]{1,5})?");

        @Override
        public String valid() {
            return "an origin as browsers send it, such as https://app.example.com or http://localhost:3000 "
                    + "(lower case, no path, no trailing /)";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isValueNode() && ORIGIN.matcher(value.asText().strip()).matches();
        }
    }

    /** A path on this machine; {@code ~} is the home directory. */
    record FilePath() implements Rule {
        @Override
        public String valid() {
            return "a directory path (~ is $HOME)";
        }

        @Override
        public boolean accepts(JsonNode value) {
            return value.isValueNode() && !value.asText().isBlank();
        }
    }

    /** Where the ledger lives; it may hold a database password, so it is never echoed. */
    record JdbcUrl() implements Rule {
        @Override
        public String valid() {
            return "a jdbc:sqlite: or jdbc:postgresql: URL, or empty for SQLite in the data directory";
        }

        @Override
        public boolean accepts(JsonNode value) {
            String text = value.asText().strip();
            return value.isValueNode()
                    && (text.isEmpty() || text.startsWith("jdbc:sqlite:") || text.startsWith("jdbc:postgresql:"));
        }

        @Override
        public boolean echoesValue() {
            return false;
        }
    }

    /** Documented only: its items are checked by their own rows. */
    record Structure(String valid) implements Rule {
        @Override
        public boolean accepts(JsonNode value) {
            return true;
        }
    }
}
