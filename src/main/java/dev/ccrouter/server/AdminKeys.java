package dev.ccrouter.server;

import dev.ccrouter.http.RequestHeaders;
import java.security.MessageDigest;
import java.util.List;

/**
 * {@code auth.admin_keys}: keys that open the operator pages ({@code /metrics}, the dashboard) from other than this
 * machine, presented as {@code x-api-key} or {@code Authorization: Bearer} (a Prometheus scrape's bearer token).
 * Compared as {@link ClientAuth} compares gateway keys: SHA-256 digests, each against every key, in constant time.
 */
final class AdminKeys {
    private final List<byte[]> digests;

    AdminKeys(List<String> keys) {
        this.digests = keys.stream().map(ClientAuth::digest).toList();
    }

    boolean presented(RequestHeaders headers) {
        if (digests.isEmpty()) {
            return false;
        }
        String presented = ClientCredentials.apiKey(headers);
        if (presented == null) {
            return false;
        }
        byte[] digest = ClientAuth.digest(presented);
        boolean known = false;
        for (byte[] candidate : digests) {
            known |= MessageDigest.isEqual(candidate, digest);
        }
        return known;
    }
}
