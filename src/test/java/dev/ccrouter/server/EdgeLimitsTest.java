package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RawResponse;
import dev.ccrouter.testing.RunningGateway;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the listening socket does with clients that are slow, silent or too many, seen through raw sockets. */
class EdgeLimitsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration HEAD = Duration.ofSeconds(1);
    static final Duration BODY = Duration.ofSeconds(1);
    static final Duration IDLE = Duration.ofSeconds(2);
    static final int MAX_CONNECTIONS = 6;
    static final int PER_CLIENT = 3;
    static final String HEALTH = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    /** A request the gateway answers by itself, refused like any other over a cap (unlike {@link #HEALTH}). */
    static final String TERMS = "GET /terms HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    /** A reverse proxy in {@code server.trusted_proxies}: it relays all its clients from this one address. */
    static final String PROXY = "127.0.0.20";
    static FakeUpstream upstream;
    static RunningGateway gateway;
    final List<RawClient> clients = new ArrayList<>();

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream, config -> config.withEdge(new GatewayConfig.Edge(HEAD, BODY, IDLE,
                MAX_CONNECTIONS, PER_CLIENT, List.of(PROXY + "/32"), List.of())));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(RawClient::close);
        // the next test counts connections per address from zero: the server ends these as it sees them closed
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.server().openConnections() == 0);
    }

    RawClient connect(String from) {
        RawClient client = RawClient.connect(from, gateway.port());
        clients.add(client);
        return client;
    }

    /**
     * The per-address cap is for clients, not for a trusted proxy, whose connections are many clients': only the total
     * cap bounds it.
     */
    @Test
    void aTrustedProxyCarriesMoreConnectionsThanOneClientMayUpToTheTotalCap() {
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
            String response = connect(PROXY).send("GET /terms HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: 203.0.113."
                    + i + "\r\n\r\n").readUntil("\r\n\r\n", Duration.ofSeconds(5));
            assertThat(response).as("connection %d through the proxy", i).startsWith("HTTP/1.1 200 ");
        }
        assertThat(connect(PROXY).send(TERMS).readUntilClosed(Duration.ofSeconds(5))).startsWith("HTTP/1.1 503 ");
    }

    /** Opens {@code count} connections, the i-th from {@code address(i)}, each served one request and held. */
    List<RawClient> holdServedConnections(int count, IntFunction<String> address) {
        List<RawClient> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RawClient client = connect(address.apply(i));
            client.send(HEALTH).readUntil("ok", Duration.ofSeconds(5));
            held.add(client);
        }
        return held;
    }

    static JsonNode errorOf(String response) throws Exception {
        return JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4)).path("error");
    }

    @Test
    void aRequestHeadTrickledPastTheHeadTimeoutIs408AndClosed() throws Exception {
        RawClient slow = connect("127.0.0.1").send("POST /v1/messages/count_tokens HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
        long start = System.nanoTime();
        String response = slow.readUntilClosed(Duration.ofSeconds(5));
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(response).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("Connection: close")
                .containsPattern("\r\nDate: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n");
        assertThat(errorOf(response).path("message").asText())
                .isEqualTo("Request timeout: the request was not received in time.");
        assertThat(elapsedMs).isBetween(HEAD.toMillis() - 100, HEAD.toMillis() + 1_500);
    }

    @Test
    void aRequestLineWithoutItsEndIs408Too() {
        String response = connect("127.0.0.1").send("POST /v1/mess").readUntilClosed(Duration.ofSeconds(5));
        assertThat(response).startsWith("HTTP/1.1 408 ");
    }

    @Test
    void aBodyTrickledPastTheBodyTimeoutIs408AndClosed() {
        RawClient slow = connect("127.0.0.1").send("POST /v1/messages/count_tokens HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"messages\":[");
        String response = slow.readUntilClosed(Duration.ofSeconds(5));
        assertThat(response).startsWith("HTTP/1.1 408 ");
    }

    /** A {@code /v1/messages} head declaring 100 bytes of body, and the first of them. */
    static final String MESSAGES_BODY_BEGUN = "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: k\r\n"
            + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":\"claude-sonnet-5\"";

    /**
     * The client, the access log and the ledger (which the log's listeners feed) know the request by one id, the one
     * its 408 carries in the header and the body; the gateway logs no failure of its own.
     */
    @Test
    void aMessagesBodyTrickledPastTheBodyTimeoutIs408UnderTheIdItIsRecordedBy() {
        try (AccessLogCapture access = new AccessLogCapture();
             AccessLogCapture failures = new AccessLogCapture(GatewayServer.class.getName())) {
            RawResponse response = connect("127.0.0.1").send(MESSAGES_BODY_BEGUN).readResponse(Duration.ofSeconds(5));

            assertThat(response.status()).isEqualTo(408);
            String id = response.header("request-id").orElseThrow();
            assertThat(response.header("x-should-retry")).contains("true");
            assertThat(response.text()).isEqualTo("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\","
                    + "\"message\":\"Request timeout: the request was not received in time.\"},\"request_id\":\"" + id + "\"}");
            assertThat(access.line(id)).contains(" status=408 ").endsWith(" error=invalid_request_error");
            assertThat(failures.lines()).isEmpty();
        }
    }

    /** A client that closes its side inside the body sent no request: a 400 saying so, recorded as one, not a 500. */
    @Test
    void aMessagesBodyTheClientCutShortIs400UnderTheIdItIsRecordedBy() {
        try (AccessLogCapture access = new AccessLogCapture();
             AccessLogCapture failures = new AccessLogCapture(GatewayServer.class.getName())) {
            RawClient client = connect("127.0.0.1").send(MESSAGES_BODY_BEGUN);
            client.finishSending();
            RawResponse response = client.readResponse(Duration.ofSeconds(5));

            assertThat(response.status()).isEqualTo(400);
            String id = response.header("request-id").orElseThrow();
            assertThat(response.text()).contains("\"message\":\"The request body ended before it was complete (100 bytes "
                    + "declared): the client closed its connection inside the request body.\"");
            assertThat(access.line(id)).contains(" status=400 ").endsWith(" error=invalid_request_error");
            assertThat(failures.lines()).isEmpty();
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedWithoutAnAnswerAfterTheIdleTimeout() {
        long start = System.nanoTime();
        String response = connect("127.0.0.1").readUntilClosed(Duration.ofSeconds(6));
        assertThat(response).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(IDLE.toMillis() - 100);
    }

    @Test
    void aKeepAliveConnectionIsServedThenClosedQuietlyWhenIdle() {
        RawClient client = connect("127.0.0.1").send(HEALTH);
        assertThat(client.readUntil("\"}}", Duration.ofSeconds(5))).startsWith("HTTP/1.1 200 OK");
        client.send(HEALTH);
        assertThat(client.readUntil("\"}}", Duration.ofSeconds(5))).startsWith("HTTP/1.1 200 OK");
        assertThat(client.readUntilClosed(Duration.ofSeconds(6))).isEmpty();
    }

    @Test
    void connectionsOverThePerClientCapAre429WhileOtherClientsAreServed() throws Exception {
        holdServedConnections(PER_CLIENT, i -> "127.0.0.1");
        String refused = connect("127.0.0.1").send(TERMS).readUntilClosed(Duration.ofSeconds(5));
        assertThat(refused).startsWith("HTTP/1.1 429 ").containsIgnoringCase("retry-after: 1");
        assertThat(errorOf(refused).path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(errorOf(refused).path("message").asText())
                .isEqualTo("Too many connections from your address (at most 3); close some or retry shortly.");

        assertThat(connect("127.0.0.2").send(HEALTH).readUntil("ok", Duration.ofSeconds(5))).startsWith("HTTP/1.1 200 ");
    }

    @Test
    void connectionsOverTheTotalCapAre503OverloadedAndServedAgainOnceOthersLeave() throws Exception {
        List<RawClient> holding = holdServedConnections(MAX_CONNECTIONS, i -> "127.0.0." + (2 + i / PER_CLIENT));
        String refused = connect("127.0.0.9").send(TERMS).readUntilClosed(Duration.ofSeconds(5));
        assertThat(refused).startsWith("HTTP/1.1 503 ");
        assertThat(errorOf(refused).path("type").asText()).isEqualTo("overloaded_error");
        assertThat(errorOf(refused).path("message").asText())
                .isEqualTo("The gateway is serving its maximum of 6 connections; retry shortly.");

        holding.forEach(RawClient::close);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                connect("127.0.0.9").send(TERMS).readUntil("\r\n", Duration.ofSeconds(5))).startsWith("HTTP/1.1 200 "));
    }

    @Test
    void aFullGatewayStillAnswersItsHealthCheckThenClosesThatConnection() throws Exception {
        holdServedConnections(MAX_CONNECTIONS, i -> "127.0.0." + (2 + i / PER_CLIENT));
        assertThat(connect("127.0.0.9").send(TERMS).readUntilClosed(Duration.ofSeconds(5))).startsWith("HTTP/1.1 503 ");

        String health = connect("127.0.0.9").send(HEALTH).readUntilClosed(Duration.ofSeconds(5));
        assertThat(health).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("connection: close");
        assertThat(JSON.readTree(health.substring(health.indexOf("\r\n\r\n") + 4)).path("status").asText())
                .isEqualTo("ok");
        assertThat(connect("127.0.0.9").send(TERMS).readUntilClosed(Duration.ofSeconds(5)))
                .as("the health check took no place among the admitted connections")
                .startsWith("HTTP/1.1 503 ");
    }

    @Test
    void anAddressOverItsCapStillGetsTheHealthCheckAnswered() throws Exception {
        holdServedConnections(PER_CLIENT, i -> "127.0.0.1");
        String health = connect("127.0.0.1").send(HEALTH).readUntilClosed(Duration.ofSeconds(5));
        assertThat(health).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("connection: close");
        assertThat(connect("127.0.0.1").send("POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
                .readUntilClosed(Duration.ofSeconds(5))).as("only GET /health passes").startsWith("HTTP/1.1 429 ");
    }
}
