package dev.ccrouter.server;

import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.ledger.ClientKeyId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the ledger, the budgets and the dashboard name the key a request came with: the configured name of a gateway
 * key ({@code auth.keys[].name}) when it has one, else the key's short hash ({@link ClientKeyId}); never the key.
 * One instance per configuration, replaced whole on a reload.
 */
final class ClientKeyNames {
    /** For before the configuration is read: no named keys (a new instance, since each keeps its own memo). */
    static ClientKeyNames none() {
        return new ClientKeyNames(Map.of());
    }

    /** Short hash → configured name, for the named keys. */
    private final Map<String, String> names;
    /**
     * Ids of the keys seen lately: a SHA-256 (and the JDK's provider lookup for it) on every request was a measurable
     * part of its CPU, and a gateway sees few distinct keys. Emptied when it grows past a bound, so a flood of made-up
     * keys cannot grow it.
     */
    private final Map<String, String> recent = new ConcurrentHashMap<>();
    private static final int RECENT_BOUND = 256;

    private ClientKeyNames(Map<String, String> names) {
        this.names = names;
    }

    static ClientKeyNames of(AuthSettings auth) {
        Map<String, String> names = new HashMap<>();
        for (AuthSettings.ClientKey key : auth.keys()) {
            if (key.name() != null) {
                names.put(ClientKeyId.of(key.key()), key.name());
            }
        }
        return new ClientKeyNames(Map.copyOf(names));
    }

    /** The id of a key as presented; null for none. */
    String idOf(String presentedKey) {
        if (presentedKey == null) {
            return null;
        }
        String id = recent.get(presentedKey);
        if (id == null) {
            String hash = ClientKeyId.of(presentedKey);
            id = names.getOrDefault(hash, hash);
            if (recent.size() >= RECENT_BOUND) {
                recent.clear();
            }
            recent.put(presentedKey, id);
        }
        return id;
    }

    /** The id of a configured key. */
    static String idOf(AuthSettings.ClientKey key) {
        return key.name() != null ? key.name() : ClientKeyId.of(key.key());
    }
}
