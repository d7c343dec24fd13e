package dev.ccrouter.server;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RunningGateway;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * A gateway before an upstream that echoes ({@link HttpWireTest#ECHO}), for tests that talk to it over raw sockets;
 * the clients a test connects are closed after it.
 */
abstract class GatewayOverRawSockets {
    static FakeUpstream upstream;
    static RunningGateway gateway;
    final List<RawClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        upstream.answer(HttpWireTest.ECHO);
        gateway = RunningGateway.start(upstream);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(RawClient::close);
    }

    RawClient connect() {
        RawClient client = RawClient.connect(gateway.port());
        clients.add(client);
        return client;
    }
}
