package dev.ccrouter.testing;

import java.util.Locale;
import java.util.Optional;

/**
 * A key that must never be seen outside the request that carried it. {@code SecretsTest} sends it through every path
 * that handles a key, and {@code LogCanaryScan} (run by {@code mvn verify} after the whole suite) fails if any test's
 * captured output holds it, or any {@value #RUN}-character run of it, in any case.
 */
public final class Canary {
    public static final String KEY = "sk-or-v1-canary-7f3a9c2e5b1d4068a9e2c7f1b3d5e8a0";
    public static final int RUN = 12;

    private Canary() {
    }

    /** The first run of the canary found in {@code text}, ignoring case. */
    public static Optional<String> findIn(String text) {
        String haystack = text.toLowerCase(Locale.ROOT);
        String key = KEY.toLowerCase(Locale.ROOT);
        for (int i = 0; i + RUN <= key.length(); i++) {
            if (haystack.contains(key.substring(i, i + RUN))) {
                return Optional.of(key.substring(i, i + RUN));
            }
        }
        return Optional.empty();
    }
}
