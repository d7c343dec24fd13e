package dev.ccrouter.server;

import java.util.concurrent.ThreadLocalRandom;

/** Opaque ids in Anthropic's style: a prefix and 24 base62 characters ({@code msg_…}, {@code req_…}, {@code toolu_…}). */
final class Ids {
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private Ids() {
    }

    static String next(String prefix) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(prefix.length() + 24).append(prefix);
        for (int i = 0; i < 24; i++) {
            id.append(BASE62[random.nextInt(BASE62.length)]);
        }
        return id.toString();
    }
}
