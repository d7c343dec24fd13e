package dev.ccrouter.config;

import java.util.List;

/**
 * The {@code auth:} section.
 *
 * @param keys      when not empty, clients must present one of these keys (x-api-key or Bearer) and providers use
 *                  their own keys; a client's gateway key is never forwarded
 * @param adminKeys keys that open the dashboard and metrics from other than loopback
 */
public record AuthSettings(List<ClientKey> keys, List<String> adminKeys) {

    public static final AuthSettings OPEN = new AuthSettings(List.of(), List.of());

    public AuthSettings {
        keys = keys == null ? List.of() : keys;
        adminKeys = adminKeys == null ? List.of() : adminKeys;
    }

    /** As a record shows itself, but with every key masked: never whole in a message. */
    @Override
    public String toString() {
        return "AuthSettings[keys=" + keys + ", adminKeys=" + adminKeys.stream().map(Secrets::mask).toList() + "]";
    }

    /** Whether clients must present a gateway key. */
    public boolean required() {
        return !keys.isEmpty();
    }

    /**
     * One client key; written as a plain string (the key) or as a mapping.
     *
     * @param name              the key's name in logs and the ledger (never the key itself); null: a short hash
     *                          of the key
     * @param key               what the client presents
     * @param budgetUsdPerDay   spending allowed per UTC day; null: no limit
     * @param budgetUsdPerMonth spending allowed per calendar month; null: no limit
     * @param requestsPerMinute null: no limit
     * @param tokensPerMinute   null: no limit
     */
    public record ClientKey(String name,
                            String key,
                            java.math.BigDecimal budgetUsdPerDay,
                            java.math.BigDecimal budgetUsdPerMonth,
                            Integer requestsPerMinute,
                            Integer tokensPerMinute) {

        /** A key written as a plain string. */
        public static ClientKey of(String key) {
            return new ClientKey(null, key, null, null, null, null);
        }

        /** As a record shows itself, but with the key masked. */
        @Override
        public String toString() {
            return "ClientKey[name=" + name + ", key=" + Secrets.mask(key) + ", budgetUsdPerDay=" + budgetUsdPerDay
                    + ", budgetUsdPerMonth=" + budgetUsdPerMonth + ", requestsPerMinute=" + requestsPerMinute
                    + ", tokensPerMinute=" + tokensPerMinute + "]";
        }
    }
}
