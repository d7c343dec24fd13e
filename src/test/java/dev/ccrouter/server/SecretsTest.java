package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.Canary;
import dev.ccrouter.testing.EveryLogLine;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The client's key never comes back: not re-cased, not URL-encoded, not in part, not from a URL, not in a log line. */
class SecretsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String BODY = "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static FakeUpstream upstream;
    static RunningGateway gateway;
    static EveryLogLine everything;

    @BeforeAll
    static void start() {
        everything = new EveryLogLine();
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
        everything.close();
        // Every line any logger wrote while the key went through the gateway, at every level.
        for (ILoggingEvent event : everything.events()) {
            String line = event.getFormattedMessage() + " " + event.getMDCPropertyMap()
                    + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(Canary.findIn(line)).as("log line: %s", line).isEmpty();
        }
    }

    static HttpResponse<String> post(String body, String key) throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages", body, "x-api-key", key);
    }

    static String message(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body()).path("error").path("message").asText();
    }

    static FakeUpstream.Script unauthorized(String message) {
        ObjectMapper json = new ObjectMapper();
        return FakeUpstream.json(401, json.createObjectNode().set("error",
                json.createObjectNode().put("code", 401).put("message", message)).toString());
    }

    /** A proxy's password in the upstream's address is shown neither by {@code /health}, which asks for no key, nor logged. */
    @Test
    void aPasswordInTheUpstreamAddressIsMasked() throws Exception {
        try (RunningGateway proxied = RunningGateway.start("http://proxyuser:s3cret-proxy-pass@127.0.0.1:9/v1",
                java.util.function.UnaryOperator.identity())) {
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(proxied.baseUrl() + "/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(health.body()).path("upstream").asText())
                    .isEqualTo("http://proxyuser:…@127.0.0.1:9/v1");
        }
        assertThat(everything.events()).map(ILoggingEvent::getFormattedMessage)
                .noneMatch(line -> line.contains("s3cret-proxy-pass"));
    }

    /**
     * A token in the upstream address's query (now taken: it follows the endpoint) goes to the upstream, and nowhere
     * else: not into {@code /health}, an error the client reads, or any log line.
     */
    @Test
    void aTokenInTheUpstreamAddressesQueryReachesTheUpstreamOnly() throws Exception {
        String token = "PLANTEDqueryToken-7c1e9a3b5d";
        try (FakeUpstream failing = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(failing.baseUrl() + "?token=" + token,
                     java.util.function.UnaryOperator.identity())) {
            failing.answer(FakeUpstream.json(500, "{\"error\":{\"code\":500,\"message\":\"boom\"}}"));
            HttpResponse<String> failed = SseCapture.post(gateway.baseUrl() + "/v1/messages", BODY, "x-api-key",
                    "sk-test");
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(failing.lastRequest().path()).isEqualTo("/v1/chat/completions?token=" + token);
            assertThat(failed.statusCode()).isEqualTo(500);
            assertThat(failed.body()).doesNotContain(token);
            assertThat(health.body()).doesNotContain(token);
        }
        assertThat(everything.events()).map(ILoggingEvent::getFormattedMessage)
                .noneMatch(line -> line.contains(token));
    }

    @Test
    void aKeyEchoedInAnotherCaseIsRedacted() throws Exception {
        upstream.answer(unauthorized("Incorrect API key provided: " + Canary.KEY.toUpperCase(Locale.ROOT) + "."));
        HttpResponse<String> response = post(BODY, Canary.KEY);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(message(response)).isEqualTo("Incorrect API key provided: [redacted].");
    }

    @Test
    void aKeyEchoedUrlEncodedIsRedacted() throws Exception {
        String key = "sk-live+AbC/dEf=gHiJkLmNoPqRsTuV";
        upstream.answer(unauthorized("https://provider.example/keys?k=sk-live%2BAbC%2FdEf%3DgHiJkLmNoPqRsTuV is revoked"));
        HttpResponse<String> response = post(BODY, key);
        assertThat(message(response)).isEqualTo("https://provider.example/keys?k=[redacted] is revoked");
    }

    @Test
    void aKeyEchoedFullyPercentEncodedIsNotEchoedAtAll() throws Exception {
        StringBuilder encoded = new StringBuilder();
        for (byte b : Canary.KEY.getBytes(StandardCharsets.US_ASCII)) {
            encoded.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
        }
        upstream.answer(unauthorized("bad key " + encoded));
        assertThat(message(post(BODY, Canary.KEY))).isEqualTo(SecretRedaction.WITHHELD);
    }

    @Test
    void aMessageHoldingTwelveCharactersOfTheKeyIsNotEchoed() throws Exception {
        upstream.answer(unauthorized("Incorrect API key provided: " + Canary.KEY.substring(0, 20) + "***"));
        assertThat(message(post(BODY, Canary.KEY))).isEqualTo(
                "The upstream's error message was withheld because it quoted part of the API key.");
    }

    @Test
    void aStreamErrorEchoingTheKeyLowerCasedIsRedacted() throws Exception {
        String key = Canary.KEY.toUpperCase(Locale.ROOT);
        upstream.answer(FakeUpstream.sse("{\"error\":{\"code\":\"server_error\",\"message\":\"key "
                + Canary.KEY + " was revoked\"},\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"error\"}]}"));
        HttpResponse<String> stream = post(BODY.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\""), key);
        assertThat(stream.body()).contains("key [redacted] was revoked");
        assertThat(Canary.findIn(stream.body())).isEmpty();
    }

    @Test
    void aKeyInTheRequestPathIsNotEchoedIn404() throws Exception {
        HttpResponse<String> withHeader = HTTP.send(HttpRequest.newBuilder(
                        URI.create(gateway.baseUrl() + "/v1/keys/" + Canary.KEY + "/usage"))
                .header("x-api-key", Canary.KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(withHeader.statusCode()).isEqualTo(404);
        assertThat(message(withHeader)).isEqualTo("Not found: GET /v1/keys/[redacted]/usage");

        HttpResponse<String> noHeader = HTTP.send(HttpRequest.newBuilder(
                URI.create(gateway.baseUrl() + "/v1/" + Canary.KEY)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(message(noHeader)).isEqualTo("Not found: GET /v1/[redacted]");
        assertThat(Canary.findIn(noHeader.body())).isEmpty();
    }

    @Test
    void theKeyOfAFailedCallIsNotInTheAccessLogOrAnyOtherLine() throws Exception {
        upstream.answer(FakeUpstream.json(500, "{\"error\":{\"message\":\"upstream broke for " + Canary.KEY + "\"}}"));
        HttpResponse<String> response = post(BODY.replace("claude-sonnet-4-6", Canary.KEY), Canary.KEY);
        assertThat(Canary.findIn(response.body())).isEmpty();
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("type").asText()).isNotEmpty();
    }

    /** docs/security.md: "A 404 names the path it did not find, with … anything shaped like a key replaced". */
    @ParameterizedTest
    @ValueSource(strings = {"/v1/models/", "/dashboard/"})
    void aKeyInThePathOfA404IsNotEchoed(String prefix) throws Exception {
        String key = "sk-or-v1-inpath-5d7f9b1c3e5a7c9e1b3d5f7a9c1e3b5d";
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + prefix + key))
                .header("x-api-key", key).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain(key.substring(9));
    }

    /** An unexpected failure is logged with its path and message, never with the client's key or one shaped like it. */
    @Test
    void anInternalFailureIsLoggedWithoutTheKeyInItsPathOrMessage() {
        String key = "sk-or-v1-internal-8e2a4c6b0d1f3a5c7e9b1d3f5a7c9e1b";
        String other = "sk-ant-api03-another-key-of-a-colleague-00000000";
        String logged = GatewayServer.failure("GET", "/v1/models/" + key, key, new IllegalStateException(
                "cannot parse '" + key.toUpperCase(java.util.Locale.ROOT) + "' near " + other));

        assertThat(logged).isEqualTo("GET /v1/models/[redacted] failed: java.lang.IllegalStateException: "
                + "cannot parse '[redacted]' near [redacted]");
    }
}
