package dev.ccrouter.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Keys a presented key is checked against, without response times telling anything of them: kept as SHA-256 digests,
 * and a presented key's digest compared with {@link MessageDigest#isEqual} against every one, without stopping at a
 * match, so neither a key's characters nor its length can be learnt. The gateway's keys ({@link ClientAuth}) and
 * {@code auth.admin_keys} ({@link LoopbackOnly}).
 */
final class KeyDigests {
    private final List<byte[]> digests;

    KeyDigests(List<String> keys) {
        this.digests = keys.stream().map(KeyDigests::digest).toList();
    }

    boolean isEmpty() {
        return digests.isEmpty();
    }

    /** Whether {@code presented} (null: no key) is one of the keys. */
    boolean contains(String presented) {
        if (presented == null || digests.isEmpty()) {
            return false;
        }
        byte[] digest = digest(presented);
        boolean known = false;
        for (byte[] candidate : digests) {
            known |= MessageDigest.isEqual(candidate, digest);
        }
        return known;
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
