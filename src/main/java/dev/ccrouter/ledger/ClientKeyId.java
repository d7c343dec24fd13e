package dev.ccrouter.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Names a client key in the ledger without keeping it: {@code key_} and the first 12 hex digits of its SHA-256. Short
 * enough to read in a table, long enough that two keys of one deployment do not collide, and useless to an attacker.
 */
public final class ClientKeyId {
    private ClientKeyId() {
    }

    public static String of(String apiKey) {
        if (apiKey == null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            return "key_" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
