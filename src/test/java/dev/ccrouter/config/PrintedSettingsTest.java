package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A configuration printed — in a debugger's message, an exception's, a log line someone adds one day — shows its keys
 * as they are shown everywhere ({@link Secrets#mask}), never whole: the records' own {@code toString} would print
 * every provider key, gateway key, admin key and password they hold.
 */
class PrintedSettingsTest {
    private static final String PROVIDER_KEY = "sk-or-v1-provider-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static final String CLIENT_KEY = "ccr-team-alice-6c5d4e3f2a1b0c9d8e7f";
    private static final String ADMIN_KEY = "ccr-admin-1a2b3c4d5e6f7a8b9c0d";
    private static final String PROXY_PASSWORD = "hunter2-proxy-password";
    private static final String DATABASE_PASSWORD = "pg-secret-password-42";

    @Test
    void aProvidersKeysAreMasked() {
        ProviderSettings provider = new ProviderSettings("openrouter", "openrouter",
                URI.create("https://router:" + PROXY_PASSWORD + "@proxy.example/api/v1"), List.of(PROVIDER_KEY, "short"),
                null, Map.of());

        assertThat(provider.toString()).isEqualTo("ProviderSettings[name=openrouter, preset=openrouter, "
                + "baseUrl=https://router:…@proxy.example/api/v1, apiKeys=[sk-…e1f0, …], protocol=null, models={}, "
                + "auth=null]");
    }

    @Test
    void gatewayAndAdminKeysAreMaskedWithTheirLimitsShown() {
        AuthSettings auth = new AuthSettings(List.of(new AuthSettings.ClientKey("alice", CLIENT_KEY,
                new java.math.BigDecimal("5.00"), null, 60, null)), List.of(ADMIN_KEY));

        assertThat(auth.toString()).isEqualTo("AuthSettings[keys=[ClientKey[name=alice, key=…8e7f, "
                + "budgetUsdPerDay=5.00, budgetUsdPerMonth=null, requestsPerMinute=60, tokensPerMinute=null]], "
                + "adminKeys=[…9c0d]]");
    }

    @Test
    void theLedgersDatabasePasswordIsNotShown() {
        LedgerSettings ledger = new LedgerSettings(true,
                "jdbc:postgresql://db.example/ccrouter?user=ccr&password=" + DATABASE_PASSWORD, 10_000,
                Duration.ofSeconds(1));

        assertThat(ledger.toString()).doesNotContain(DATABASE_PASSWORD).startsWith("LedgerSettings[enabled=true, url=")
                .endsWith(", queueSize=10000, batchInterval=PT1S]");
    }

    @Test
    void aWholeConfigurationShowsNoKeyAndNoPassword() {
        GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE)
                .withUpstream(URI.create("https://router:" + PROXY_PASSWORD + "@proxy.example/api/v1"))
                .withDataDir(Path.of("/tmp/ccrouter-printed"))
                .withProviders(List.of(new ProviderSettings("openrouter", "openrouter", null, List.of(PROVIDER_KEY),
                        null, Map.of())))
                .withAuth(new AuthSettings(List.of(AuthSettings.ClientKey.of(CLIENT_KEY)), List.of(ADMIN_KEY)));

        String printed = config.toString();

        assertThat(printed).startsWith("GatewayConfig[host=127.0.0.1, port=8787, "
                        + "upstreamBaseUrl=https://router:…@proxy.example/api/v1, dataDir=/tmp/ccrouter-printed, ")
                .contains("apiKeys=[sk-…e1f0]", "key=…8e7f", "adminKeys=[…9c0d]");
        for (String secret : List.of(PROVIDER_KEY, CLIENT_KEY, ADMIN_KEY, PROXY_PASSWORD)) {
            assertThat(printed).doesNotContain(secret.substring(secret.length() - 12));
        }
    }
}
