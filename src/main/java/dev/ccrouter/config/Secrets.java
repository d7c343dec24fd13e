package dev.ccrouter.config;

/** How a key may be shown: never whole. */
public final class Secrets {
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
}
