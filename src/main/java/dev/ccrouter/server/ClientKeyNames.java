package dev.ccrouter.server;

import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.ledger.ClientKeyId;
import java.util.HashMap;
import java.util.Map;

/**
 * How the ledger, the budgets and the dashboard name the key a request came with: the configured name of a gateway
 * key ({@code auth.keys[].name}) when it has one, else the key's short hash ({@link ClientKeyId}); never the key.
 * One instance per configuration, replaced whole on a reload.
 */
final class ClientKeyNames {
    static final ClientKeyNames NONE = new ClientKeyNames(Map.of());

    /** Short hash → configured name, for the named keys. */
    private final Map<String, String> names;

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
        String hash = ClientKeyId.of(presentedKey);
        return hash == null ? null : names.getOrDefault(hash, hash);
    }

    /** The id of a configured key. */
    static String idOf(AuthSettings.ClientKey key) {
        return key.name() != null ? key.name() : ClientKeyId.of(key.key());
    }
}
