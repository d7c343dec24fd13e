package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.config.Secrets;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps the client's key out of error messages. Upstream messages are passed on verbatim (Claude Code reads their
 * wording), and some providers quote the key they were given ("Incorrect API key provided: sk-…"), sometimes
 * URL-encoded or lower-cased. The key is replaced in any case and in its URL-encoded form; a message that still holds
 * any {@value #RUN}-character run of the key afterwards (a key cut short, re-encoded, spread over a URL) is not
 * echoed at all.
 */
final class SecretRedaction {
    static final String REDACTED = "[redacted]";
    static final String WITHHELD = "The upstream's error message was withheld because it quoted part of the API key.";
    /** Shorter values are not keys, and replacing them would mangle ordinary words. */
    private static final int MIN_SECRET_LENGTH = 8;
    /** A run of the key this long is too much of it to show; shorter runs occur by chance in ordinary text. */
    static final int RUN = 12;
    /** Provider keys (OpenAI, OpenRouter, Anthropic and most others) start so: the configuration masks the same. */
    private static final Pattern SK_TOKEN = Secrets.KEY_SHAPED;
    /** Path segments that look like a key whatever the request's own key: sk-… tokens and long opaque strings. */
    private static final Pattern KEY_LIKE = Pattern.compile("(?i)sk-[a-z0-9_-]{6,}|[a-z0-9_-]{32,}");
    /**
     * {@code sk-…} tokens that begin a word, for what an upstream writes to the client: replacing one inside a word
     * ("task-specific") would mangle the provider's wording, which Claude Code shows.
     */
    private static final Pattern SK_WORD = Pattern.compile("(?i)(?<![a-z0-9])sk-[a-z0-9_-]{6,}");
    private static final int MAX_PATH_CHARS = 200;

    private SecretRedaction() {
    }

    /** The error with every one of {@code secrets} (nulls skipped) replaced. */
    static AnthropicError redact(AnthropicError error, java.util.Collection<String> secrets) {
        AnthropicError redacted = error;
        for (String secret : secrets) {
            redacted = redact(redacted, secret);
        }
        return redacted;
    }

    static AnthropicError redact(AnthropicError error, String secret) {
        String message = redact(error.message(), secret);
        return message.equals(error.message()) ? error
                : new AnthropicError(error.status(), error.type(), message, error.retryAfter());
    }

    static String redact(String text, String secret) {
        String redacted = redactOrNull(text, secret);
        return redacted == null ? WITHHELD : redacted;
    }

    /**
     * Text an upstream sends on to the client outside an error answer of its own (a text of a stream's
     * {@code event: error}, a member's name there, a line of the stream it could not be read from): every one of
     * {@code keys} (nulls skipped) replaced as {@link #redact(String, String)} replaces it, the whole text withheld
     * when a run of one would remain, and {@code sk-…} tokens replaced, whoever's keys they are.
     */
    static String relayed(String text, java.util.Collection<String> keys) {
        String shown = text;
        for (String key : keys) {
            // most texts share no run with the key: no pattern compiled for them (a '%' may hide an encoded key)
            if (key != null && key.length() >= MIN_SECRET_LENGTH && (shown.indexOf('%') >= 0 || sharesARun(shown, key))) {
                shown = redact(shown, key);
            }
        }
        return mentionsSk(shown) ? SK_WORD.matcher(shown).replaceAll(REDACTED) : shown;
    }

    /**
     * A request path as it may appear in a message: the request's key and anything shaped like a key replaced, and
     * cut to a readable length (someone pasted a key into a URL, or a path is megabytes long).
     */
    static String path(String path, String secret) {
        String shown = redactOrNull(path, secret);
        if (shown == null) {
            return REDACTED;
        }
        shown = KEY_LIKE.matcher(shown).replaceAll(REDACTED);
        return shown.length() > MAX_PATH_CHARS ? shown.substring(0, MAX_PATH_CHARS) + "..." : shown;
    }

    /** The text with the key's plain and URL-encoded forms replaced, or null when a run of the key would remain. */
    private static String redactOrNull(String text, String secret) {
        if (text == null || secret == null || secret.length() < MIN_SECRET_LENGTH) {
            return text;
        }
        String redacted = replaceIgnoringCase(text, secret);
        String encoded = percentEncode(secret);
        if (!encoded.equals(secret)) {
            redacted = replaceIgnoringCase(redacted, encoded);
        }
        return holdsARunOf(redacted, secret) ? null : redacted;
    }

    /**
     * The text with every {@code sk-…} token replaced: for values logged without the request's key at hand (a client
     * that pastes its key into the {@code model} field).
     */
    static String keyShaped(String text) {
        return text == null ? null : SK_TOKEN.matcher(text).replaceAll(REDACTED);
    }

    /**
     * {@link #keyShaped}, without a regex for the text that holds no {@code sk-} at all (every model name but one a
     * client pasted its key into): for what is stored, the ledger's model fields and the metrics' labels.
     */
    static String withoutKeys(String text) {
        if (text == null) {
            return null;
        }
        return mentionsSk(text) ? keyShaped(text) : text;
    }

    /** Whether {@code sk-} is anywhere in the text, in any case: most texts hold none, and need no pattern run. */
    private static boolean mentionsSk(String text) {
        for (int i = 0; i + 3 <= text.length(); i++) {
            if (text.regionMatches(true, i, "sk-", 0, 3)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The text with the key replaced, or {@value #REDACTED} in its place when a run of the key would remain: for what
     * is logged and stored of a client's own words (a key pasted into {@code model}). Text holding no
     * {@value #RUN}-character run of the key, every model name, is returned as it is; the pair is remembered as
     * clean, so the same name with the same key is not compared again.
     */
    static String withoutKey(String text, String key) {
        if (text == null || key == null || key.length() < MIN_SECRET_LENGTH || knownClean(text, key)) {
            return text;
        }
        if (!sharesARun(text, key)) {
            CLEAN.set(cleanSlot(text, key), new CleanPair(text, key));
            return text;
        }
        String redacted = redactOrNull(text, key);
        return redacted == null ? REDACTED : redacted;
    }

    /**
     * {@link #withoutKey} for each of {@code keys} (nulls skipped), then {@link #withoutKeys(String)}: for a client's
     * words shown while its request is handled (a target's {@code provider,model} label, in a log line and in the
     * {@code X-CCRouter-Provider} header), before {@link Exchange#keepOut} has taken the keys out of what the access
     * log and the ledger read.
     */
    static String withoutKeys(String text, java.util.Collection<String> keys) {
        String shown = text;
        for (String key : keys) {
            shown = withoutKey(shown, key);
        }
        return withoutKeys(shown);
    }

    /**
     * Client words and keys found to share no run: a session sends the same model and session id with the same keys
     * (the client's, the provider's) on every request, and comparing every run of a name with every run of a key took
     * ≈ 0.9 µs a key, against ≈ 0.1 µs to find the pair here. A request asks about several pairs (its model, its
     * session id and its target's label, each with each key) and a shared gateway serves many sessions: with eight
     * slots the pairs pushed each other out and were compared afresh on every request, ≈ 5 µs a request under load
     * (docs/benchmarks.md, "The review's fixes on the request path"). Held in memory only, as the key pools hold keys.
     */
    private static final int CLEAN_SLOTS = 64;
    private static final AtomicReferenceArray<CleanPair> CLEAN = new AtomicReferenceArray<>(CLEAN_SLOTS);

    private record CleanPair(String text, String key) {
    }

    private static int cleanSlot(String text, String key) {
        int hash = text.hashCode() * 31 + key.hashCode();
        return (hash ^ hash >>> 16) & (CLEAN_SLOTS - 1);
    }

    private static boolean knownClean(String text, String key) {
        CleanPair pair = CLEAN.get(cleanSlot(text, key));
        return pair != null && pair.text().equals(text) && pair.key().equals(key);
    }

    /**
     * Whether the text holds {@value #RUN} consecutive characters of the key in any case, as it is: run for every
     * request's model name, so without allocating, and comparing a run only where its first character matches.
     */
    private static boolean sharesARun(String text, String key) {
        int run = Math.min(RUN, key.length());
        for (int i = 0; i + run <= text.length(); i++) {
            char first = Character.toLowerCase(text.charAt(i));
            for (int j = 0; j + run <= key.length(); j++) {
                if (Character.toLowerCase(key.charAt(j)) == first && text.regionMatches(true, i, key, j, run)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String replaceIgnoringCase(String text, String secret) {
        return Pattern.compile(Pattern.quote(secret), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                .matcher(text).replaceAll(Matcher.quoteReplacement(REDACTED));
    }

    /** Whether the text, as is or percent-decoded, in any case, contains {@value #RUN} consecutive characters of the key. */
    private static boolean holdsARunOf(String text, String secret) {
        String plain = text.toLowerCase(Locale.ROOT);
        String decoded = percentDecode(text).toLowerCase(Locale.ROOT);
        String key = secret.toLowerCase(Locale.ROOT);
        int run = Math.min(RUN, key.length());
        for (int i = 0; i + run <= key.length(); i++) {
            String part = key.substring(i, i + run);
            if (plain.contains(part) || decoded.contains(part)) {
                return true;
            }
        }
        return false;
    }

    private static String percentEncode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '~')) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** Lenient: a {@code %} not followed by two hex digits is kept as it is. */
    private static String percentDecode(String text) {
        if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int hi = i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
            int lo = i + 2 < bytes.length ? Character.digit(bytes[i + 2], 16) : -1;
            if (bytes[i] == '%' && hi >= 0 && lo >= 0) {
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                out.write(bytes[i] == '+' ? ' ' : bytes[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
