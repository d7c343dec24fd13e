package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code server.*} settings of the listening socket: defaults, file, environment. */
class EdgeSettingsTest {
    @TempDir
    Path dir;

    @Test
    void defaultsBoundEveryConnectionAndTrustNobody() {
        GatewayConfig.Edge edge = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE).edge();
        assertThat(edge).isEqualTo(new GatewayConfig.Edge(Duration.ofSeconds(10), Duration.ofSeconds(120),
                Duration.ofSeconds(30), 512, 128, List.of(), List.of()));
    }

    @Test
    void aFileSetsListsAndTheEnvironmentOverridesThemCommaSeparated() throws IOException {
        Path file = dir.resolve("ccrouter.yaml");
        Files.writeString(file, """
                server:
                  header_timeout_seconds: 5
                  max_connections: 64
                  trusted_proxies: [10.0.0.0/8, "::1"]
                  cors_origins:
                    - https://app.example.com
                """);
        GatewayConfig.Edge fromFile = new ConfigLoader(Map.of("CCROUTER_CONFIG", file.toString()))
                .load(ConfigLoader.Flags.NONE).edge();
        assertThat(fromFile.headerTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(fromFile.maxConnections()).isEqualTo(64);
        assertThat(fromFile.trustedProxies()).containsExactly("10.0.0.0/8", "::1");
        assertThat(fromFile.corsOrigins()).containsExactly("https://app.example.com");

        GatewayConfig.Edge fromEnv = new ConfigLoader(Map.of("CCROUTER_CONFIG", file.toString(),
                "CCROUTER_TRUSTED_PROXIES", "127.0.0.1, 192.168.0.0/16", "CCROUTER_CORS_ORIGINS", ""))
                .load(ConfigLoader.Flags.NONE).edge();
        assertThat(fromEnv.trustedProxies()).containsExactly("127.0.0.1", "192.168.0.0/16");
        assertThat(fromEnv.corsOrigins()).containsExactly("https://app.example.com");
    }

    /** What the server would refuse at start, {@code config check} refuses too, naming where it came from. */
    @Test
    void aTrustedProxyThatIsNoAddressOrRangeIsRefusedBeforeTheStart() throws IOException {
        Path file = dir.resolve("ccrouter.yaml");
        Files.writeString(file, "server:\n  trusted_proxies: [10.0.0.0/8, 10.0.0.0/33]\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("CCROUTER_CONFIG", file.toString())).load(ConfigLoader.Flags.NONE))
                .hasMessage("server.trusted_proxies[1] in " + file + " must be an IP address or CIDR range such as "
                        + "10.0.0.0/8 or ::1 (not a host name), got '10.0.0.0/33'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("CCROUTER_TRUSTED_PROXIES", "127.0.0.1, proxy.example"))
                .load(ConfigLoader.Flags.NONE))
                .hasMessage("CCROUTER_TRUSTED_PROXIES must be an IP address or CIDR range such as 10.0.0.0/8 or ::1 "
                        + "(not a host name), got 'proxy.example'");
        assertThat(new ConfigLoader(Map.of("CCROUTER_TRUSTED_PROXIES", "::1, fd00::/8, 192.168.0.0/16, 0.0.0.0/0"))
                .load(ConfigLoader.Flags.NONE).edge().trustedProxies())
                .containsExactly("::1", "fd00::/8", "192.168.0.0/16", "0.0.0.0/0");
        for (String refused : List.of("::1/129", "1.2.3.4.5", "10.0.0.1/abc", "256.0.0.1", "10.0.0.0/", ":::x")) {
            assertThatThrownBy(() -> new ConfigLoader(Map.of("CCROUTER_TRUSTED_PROXIES", refused))
                    .load(ConfigLoader.Flags.NONE)).as(refused).isInstanceOf(ConfigException.class);
        }
    }

    /** Origins are compared with the browser's {@code Origin} exactly: one that could never match is refused. */
    @Test
    void aCorsOriginABrowserNeverSendsIsRefused() throws IOException {
        Path file = dir.resolve("ccrouter.yaml");
        Files.writeString(file, "server:\n  cors_origins: [\"http://localhost:3000\", \"https://app.example.com/\"]\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("CCROUTER_CONFIG", file.toString())).load(ConfigLoader.Flags.NONE))
                .hasMessage("server.cors_origins[1] in " + file + " must be an origin as browsers send it, such as "
                        + "https://app.example.com or http://localhost:3000 (lower case, no path, no trailing /), got "
                        + "'https://app.example.com/'");
        for (String refused : List.of("*", "https://App.example.com", "app.example.com", "https://a.example/app")) {
            assertThatThrownBy(() -> new ConfigLoader(Map.of("CCROUTER_CORS_ORIGINS", refused))
                    .load(ConfigLoader.Flags.NONE)).as(refused).hasMessageStartingWith("CCROUTER_CORS_ORIGINS must be");
        }
        assertThat(new ConfigLoader(Map.of("CCROUTER_CORS_ORIGINS",
                "https://app.example.com, http://[::1]:8080, chrome-extension://abcdefghijklmnopabcdefghijklmnop"))
                .load(ConfigLoader.Flags.NONE).edge().corsOrigins()).containsExactly("https://app.example.com",
                "http://[::1]:8080", "chrome-extension://abcdefghijklmnopabcdefghijklmnop");
    }

    @Test
    void aZeroTimeoutIsRefusedWithItsName() throws IOException {
        Path file = dir.resolve("ccrouter.yaml");
        Files.writeString(file, "server:\n  header_timeout_seconds: 0\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("CCROUTER_CONFIG", file.toString())).load(ConfigLoader.Flags.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.header_timeout_seconds in " + file + " must be a whole number from 1 to 3600, got '0'");
    }
}
