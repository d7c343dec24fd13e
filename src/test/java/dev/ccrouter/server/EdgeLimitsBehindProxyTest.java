package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RunningGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A reverse proxy relays all its clients from one address: the per-address cap is for clients, not for a proxy listed
 * in {@code server.trusted_proxies}, which only the total cap bounds.
 */
class EdgeLimitsBehindProxyTest {
    static final int MAX_CONNECTIONS = 6;
    static final int PER_CLIENT = 2;
    static final String PROXY = "127.0.0.5";
    static final String TERMS = "GET /terms HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 203.0.113.%d\r\n\r\n";
    static FakeUpstream upstream;
    static RunningGateway gateway;
    final List<RawClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream, config -> config.withEdge(new GatewayConfig.Edge(
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30), MAX_CONNECTIONS, PER_CLIENT,
                List.of(PROXY + "/32"), List.of())));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(RawClient::close);
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.server().openConnections() == 0);
    }

    RawClient connect(String from) {
        RawClient client = RawClient.connect(from, gateway.port());
        clients.add(client);
        return client;
    }

    @Test
    void aTrustedProxyCarriesMoreConnectionsThanOneClientMayUpToTheTotalCap() {
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            String response = connect(PROXY).send(TERMS.formatted(i)).readUntil("\r\n\r\n", Duration.ofSeconds(5));
            assertThat(response).as("connection %d through the proxy", i).startsWith("HTTP/1.1 200 ");
        }
        String overTotal = connect(PROXY).send(TERMS.formatted(99)).readUntilClosed(Duration.ofSeconds(5));
        assertThat(overTotal).startsWith("HTTP/1.1 503 ");
    }

    @Test
    void anUntrustedAddressIsStillHeldToThePerClientCap() {
        for (int i = 0; i < PER_CLIENT; i++) {
            connect("127.0.0.6").send(TERMS.formatted(i)).readUntil("\r\n\r\n", Duration.ofSeconds(5));
        }
        assertThat(connect("127.0.0.6").send(TERMS.formatted(9)).readUntilClosed(Duration.ofSeconds(5)))
                .startsWith("HTTP/1.1 429 ");
    }
}
