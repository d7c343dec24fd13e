package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RunningGateway;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a web page in the user's browser can and cannot do with a gateway on 127.0.0.1. */
class BrowserSafetyTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String BODY = "{\"model\":\"claude-sonnet-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static FakeUpstream upstream;
    static RunningGateway gateway;
    static RunningGateway withCors;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream, config -> config.withPublicUrl("https://cc.example.com"));
        withCors = RunningGateway.start(upstream,
                config -> config.withEdge(config.edge().withCorsOrigins(List.of("https://app.example.com"))));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        withCors.close();
        upstream.close();
    }

    /** One request over a raw socket (the JDK client will not send a Host of our choosing); the whole response. */
    static String exchange(RunningGateway target, String method, String path, String host, String... headers) {
        StringBuilder request = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        boolean post = method.equals("POST");
        if (post) {
            request.append("Content-Length: ").append(BODY.length()).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n").append(post ? BODY : "");
        try (RawClient client = RawClient.connect(target.port())) {
            return client.send(request.toString()).readUntilClosed(Duration.ofSeconds(10));
        }
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    static JsonNode error(String response) throws Exception {
        return JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4)).path("error");
    }

    static String local() {
        return "127.0.0.1:" + gateway.port();
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"})
    void postsThatABrowserSendsWithoutPreflightAre415(String contentType) throws Exception {
        int before = upstream.requests().size();
        String response = exchange(gateway, "POST", "/v1/messages", local(), "Content-Type: " + contentType,
                "x-api-key: sk-test");
        assertThat(status(response)).isEqualTo(415);
        assertThat(error(response).path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error(response).path("message").asText()).isEqualTo("Content-Type must be application/json.");
        assertThat(upstream.requests()).hasSize(before);
    }

    @Test
    void aPostWithoutContentTypeIs415AndJsonWithACharsetIsServed() {
        assertThat(status(exchange(gateway, "POST", "/v1/messages/count_tokens", local()))).isEqualTo(415);
        assertThat(status(exchange(gateway, "POST", "/v1/messages/count_tokens", local(),
                "Content-Type: application/json; charset=utf-8"))).isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"evil.example.com", "evil.example.com:8787", "127.0.0.1.nip.io", "192.168.1.20"})
    void otherHostNamesAreRefusedOnALoopbackBind(String host) throws Exception {
        String response = exchange(gateway, "GET", "/health", host);
        assertThat(status(response)).isEqualTo(403);
        assertThat(error(response).path("type").asText()).isEqualTo("permission_error");
        assertThat(error(response).path("message").asText()).isEqualTo("This gateway listens on a loopback address "
                + "and answers only requests addressed to localhost, 127.0.0.1 or [::1] (or server.public_url's host).");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LOCALHOST:8787", "127.0.0.1", "127.0.0.1:1", "[::1]", "[::1]:8787",
            "cc.example.com", "cc.example.com:443"})
    void loopbackNamesAndThePublicHostAreServed(String host) {
        assertThat(exchange(gateway, "GET", "/health", host)).startsWith("HTTP/1.1 200 ").contains("{\"status\":\"ok\",");
    }

    @Test
    void forwardedHeadersFromAnUntrustedPeerAreIgnored() {
        String script = exchange(withCors, "GET", "/install.sh", "127.0.0.1:" + withCors.port(),
                "X-Forwarded-Proto: https", "X-Forwarded-Host: attacker.example.com");
        assertThat(script).contains("INSTANCE_URL='http://127.0.0.1:" + withCors.port() + "'")
                .doesNotContain("attacker.example.com");
    }

    @Test
    void noCorsHeadersAreSentUnlessConfigured() throws Exception {
        String preflight = exchange(gateway, "OPTIONS", "/v1/messages", local(), "Origin: https://app.example.com",
                "Access-Control-Request-Method: POST", "Access-Control-Request-Headers: content-type, x-api-key");
        assertThat(preflight.toLowerCase(Locale.ROOT)).doesNotContain("access-control-");

        String post = exchange(gateway, "POST", "/v1/messages", local(), "Origin: https://app.example.com",
                "Content-Type: application/json", "x-api-key: sk-test");
        assertThat(status(post)).isEqualTo(403);
        assertThat(post.toLowerCase(Locale.ROOT)).doesNotContain("access-control-");
        assertThat(error(post).path("message").asText())
                .isEqualTo("Cross-origin requests are not accepted from this origin (allow it with server.cors_origins).");
    }

    @Test
    void aConfiguredOriginGetsCorsAndOthersDoNot() {
        String host = "127.0.0.1:" + withCors.port();
        String preflight = exchange(withCors, "OPTIONS", "/v1/messages/count_tokens", host,
                "Origin: https://app.example.com", "Access-Control-Request-Method: POST");
        assertThat(preflight).startsWith("HTTP/1.1 204 ");
        assertThat(preflight.toLowerCase(Locale.ROOT))
                .contains("access-control-allow-origin: https://app.example.com")
                .contains("access-control-allow-methods: get, post")
                .contains("access-control-allow-headers: content-type, x-api-key, authorization");

        String allowed = exchange(withCors, "POST", "/v1/messages/count_tokens", host,
                "Origin: https://app.example.com", "Content-Type: application/json");
        assertThat(allowed).startsWith("HTTP/1.1 200 ");
        assertThat(allowed.toLowerCase(Locale.ROOT)).contains("access-control-allow-origin: https://app.example.com");

        String other = exchange(withCors, "POST", "/v1/messages/count_tokens", host,
                "Origin: https://other.example.com", "Content-Type: application/json");
        assertThat(status(other)).isEqualTo(403);
        assertThat(other.toLowerCase(Locale.ROOT)).doesNotContain("access-control-");
    }
}
