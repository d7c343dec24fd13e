package dev.ccrouter.translate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code metadata.user_id} → the first 32 hex digits of its SHA-256, remembering the last one: Claude Code sends the
 * same user id on every turn, so the digest (a {@code MessageDigest} lookup, an encoding and a hash per request) is
 * computed once per change of user instead. Thread-safe: the remembered pair is one immutable object.
 */
final class UserHashes {
    static final int HEX_DIGITS = 32;

    private volatile Hashed last = new Hashed("", "");

    private record Hashed(String userId, String hash) {
    }

    /** The hash of a non-empty {@code userId}. */
    String of(String userId) {
        Hashed remembered = last;
        if (remembered.userId.equals(userId)) {
            return remembered.hash;
        }
        String hash = HexFormat.of().formatHex(sha256(userId)).substring(0, HEX_DIGITS);
        last = new Hashed(userId, hash);
        return hash;
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
