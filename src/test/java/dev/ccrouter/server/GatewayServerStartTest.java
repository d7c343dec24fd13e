package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.ConfigException;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway that cannot listen says so, instead of serving nothing on port -1 until killed; one that cannot start
 * leaves nothing running behind it.
 */
class GatewayServerStartTest {
    @TempDir
    Path dataDir;

    @Test
    void portInUseFailsTheStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            // A data directory of its own: the gateway opens its ledger there before it tries the port.
            GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE)
                    .withPort(taken.getLocalPort()).withDataDir(dataDir);
            assertThatThrownBy(() -> new GatewayServer(config).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot listen there: the port is in use");
        }
    }

    /** Why an address cannot be listened on, as the kernel says it, in the words a user acts on. */
    @Test
    void whyAnAddressCannotBeListenedOnIsSaid() {
        assertThat(GatewayServer.whyNot(new BindException("Permission denied")))
                .isEqualTo("permission denied (ports below 1024 need privileges)");
        assertThat(GatewayServer.whyNot(new BindException("Cannot assign requested address")))
                .isEqualTo("the address is not this machine's");
        assertThat(GatewayServer.whyNot(new BindException("Protocol family unavailable")))
                .isEqualTo("address in use, or not this machine's (Protocol family unavailable)");
    }

    @Test
    void aHostThatIsNoAddressIsNamedAsTheSetting() {
        GatewayConfig config = new ConfigLoader(Map.of("CCROUTER_HOST", "no-such-host.invalid")).load(ConfigLoader.Flags.NONE)
                .withPort(0).withDataDir(dataDir).withPricingRefresh(Duration.ZERO);
        assertThatThrownBy(() -> new GatewayServer(config).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("server.host is neither an address nor a name this machine resolves");
    }

    /** Helidon reports every listener stop alike; only one the server did not ask for may end {@code serve}. */
    @Test
    void aDeliberateCloseIsNotALostListener(@TempDir Path dir) {
        GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE)
                .withPort(0).withDataDir(dir).withPricingRefresh(Duration.ZERO);
        GatewayServer server = new GatewayServer(config).start();
        AtomicBoolean lost = new AtomicBoolean();
        server.onListenerLost(() -> lost.set(true));
        server.close();
        assertThat(lost).isFalse();
    }

    /**
     * The ledger's database opens beside the rest of the start; a configuration refused meanwhile must not leave it
     * opening or writing in the data directory (a caller then deleting that directory raced the database's files).
     */
    @Test
    void aRefusedConfigurationLeavesNoLedgerThreadBehind() {
        GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE)
                .withPort(0).withDataDir(dataDir)
                .withAuth(new AuthSettings(List.of(new AuthSettings.ClientKey(null, "ccr-gateway-key-0001", null, null,
                        null, null)), List.of()));
        Set<Thread> before = ledgerThreads();

        assertThatThrownBy(() -> new GatewayServer(config).start())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("the built-in openrouter provider has no key of its own: ");

        assertThat(ledgerThreads()).isEqualTo(before);
    }

    private static Set<Thread> ledgerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().startsWith("ccrouter-ledger"))
                .collect(Collectors.toSet());
    }
}
