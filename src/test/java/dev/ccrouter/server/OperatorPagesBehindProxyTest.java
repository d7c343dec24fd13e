package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RawResponse;
import dev.ccrouter.testing.RunningGateway;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's deployment: nginx or Caddy on the same machine, {@code proxy_pass http://127.0.0.1:8787}, the public
 * URL set, the proxy trusted. Every request from the internet then arrives from 127.0.0.1; /metrics, the dashboard
 * and its data must still be refused to the client the proxy names in {@code X-Forwarded-For}.
 */
class OperatorPagesBehindProxyTest {
    static final String ADMIN_KEY = "ccr-admin-0123456789abcdef";
    static FakeUpstream upstream;
    static RunningGateway gateway;
    /** Listening on every address ({@code --host 0.0.0.0}), as on a server or to reach it from a VM. */
    static RunningGateway everywhere;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        everywhere = RunningGateway.start(upstream, config -> new ConfigLoader(
                Map.of("CCROUTER_HOST", "0.0.0.0")).load(ConfigLoader.Flags.NONE).withPort(0)
                .withUpstream(config.upstreamBaseUrl()).withDataDir(config.dataDir()));
        gateway = RunningGateway.start(upstream, config -> {
            GatewayConfig.Edge edge = config.edge();
            return config.withPublicUrl("https://ccrouter.example.com")
                    .withAuth(new AuthSettings(List.of(), List.of(ADMIN_KEY)))
                    .withEdge(new GatewayConfig.Edge(edge.headerTimeout(), edge.bodyTimeout(), edge.idleTimeout(),
                            edge.maxConnections(), edge.maxConnectionsPerClient(), List.of("127.0.0.1"),
                            edge.corsOrigins()));
        });
    }

    @AfterAll
    static void stop() {
        gateway.close();
        everywhere.close();
        upstream.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/metrics", "/dashboard", "/dashboard/data"})
    void aRemoteClientRelayedByTheLocalProxyIsRefusedTheOperatorPages(String path) {
        try (RawClient proxy = RawClient.connect(gateway.port())) {
            // What nginx sends with the README's configuration for a request from 203.0.113.7.
            proxy.send("GET " + path + " HTTP/1.1\r\nHost: ccrouter.example.com\r\n"
                    + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: ccrouter.example.com\r\n"
                    + "X-Forwarded-For: 203.0.113.7\r\nConnection: close\r\n\r\n");
            RawResponse response = proxy.readResponse(Duration.ofSeconds(5));
            assertThat(response.status()).as(path + " answered to 203.0.113.7 through the proxy: "
                    + response.text().lines().limit(3).toList()).isEqualTo(403);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/metrics", "/dashboard/data"})
    void anAdminKeyOpensTheOperatorPagesThroughTheProxy(String path) {
        assertThat(throughTheProxy(path, "Authorization: Bearer " + ADMIN_KEY + "\r\n").status()).isEqualTo(200);
        assertThat(throughTheProxy(path, "x-api-key: " + ADMIN_KEY + "\r\n").status()).isEqualTo(200);
        assertThat(throughTheProxy(path, "Authorization: Bearer " + ADMIN_KEY + "x\r\n").status()).isEqualTo(403);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/metrics", "/dashboard/data"})
    void aClientOnThisMachineAskingForALoopbackNameIsServed(String path) {
        try (RawClient local = RawClient.connect(gateway.port())) {
            local.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + gateway.port() + "\r\nConnection: close\r\n\r\n");
            assertThat(local.readResponse(Duration.ofSeconds(5)).status()).isEqualTo(200);
        }
    }

    private static RawResponse throughTheProxy(String path, String extraHeaders) {
        try (RawClient proxy = RawClient.connect(gateway.port())) {
            proxy.send("GET " + path + " HTTP/1.1\r\nHost: ccrouter.example.com\r\n" + extraHeaders
                    + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: ccrouter.example.com\r\n"
                    + "X-Forwarded-For: 203.0.113.7\r\nConnection: close\r\n\r\n");
            return proxy.readResponse(Duration.ofSeconds(5));
        }
    }

    /**
     * DNS rebinding: a page on evil.example re-points its name at 127.0.0.1 and reads the gateway same-origin (a GET
     * carries no Origin). On a loopback bind the Host check refuses it; on 0.0.0.0 nothing does.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/metrics", "/dashboard/data"})
    void aReboundWebPageIsRefusedTheOperatorPagesOnAnAllAddressesBind(String path) {
        try (RawClient browser = RawClient.connect(everywhere.port())) {
            browser.send("GET " + path + " HTTP/1.1\r\nHost: evil.example:" + everywhere.port() + "\r\n"
                    + "Accept: */*\r\nConnection: close\r\n\r\n");
            RawResponse response = browser.readResponse(Duration.ofSeconds(5));
            assertThat(response.status()).as(path + " answered to a page of evil.example: "
                    + response.text().lines().limit(2).toList()).isEqualTo(403);
        }
    }
}
