package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reload's line names each changed setting that takes a restart as the user wrote it in the file. */
class RestartOnlySettingsTest {
    private static final GatewayConfig RUNNING = new ConfigLoader(Map.of("HOME", "/tmp")).load(ConfigLoader.Flags.NONE);

    @Test
    void eachChangedSettingIsNamedAsTheFileSpellsIt() {
        GatewayConfig next = RUNNING
                .withEdge(RUNNING.edge().withCorsOrigins(List.of("https://app.example")).withTrustedProxies(
                        List.of("10.0.0.1")))
                .withReadTimeout(Duration.ofSeconds(5));

        assertThat(RestartOnlySettings.changed(RUNNING, next))
                .containsExactly("server.trusted_proxies", "server.cors_origins", "upstream.read_timeout_seconds");
        assertThat(RestartOnlySettings.changed(RUNNING, RUNNING.withPingInterval(Duration.ofSeconds(3)))).isEmpty();
    }
}
