package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RawResponse;
import dev.ccrouter.testing.RawResponse.Framing;
import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP/1.1 wire as a client of the gateway sees it, over raw sockets with every byte written by the test and every
 * response parsed by it ({@link RawResponse}: status line, headers, Content-Length or chunked framing checked): keep-alive
 * and pipelining, {@code Connection: close}, chunked request bodies, {@code Expect: 100-continue}, response framing,
 * what malformed requests get, and how request targets are read. It was written against Helidon SE, which served the
 * gateway before its own server (package {@code http}), and held the new server to what clients already relied on;
 * {@link HttpWireStrictTest} holds where the new server answers more exactly than Helidon did. Read deadlines,
 * connection caps and slow clients are {@link EdgeLimitsTest}'s.
 */
class HttpWireTest extends GatewayOverRawSockets {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The bound on every read: a server that does not answer fails the test instead of hanging it. */
    static final Duration T = Duration.ofSeconds(5);
    static final String BODY = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    static final String STREAM_BODY = BODY.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\"");
    /** What {@code count_tokens} answers for {@link #BODY}. */
    static final int BODY_TOKENS = 4;
    /** The upstream answers each completion with "echo " and the last user message's text. */
    static final FakeUpstream.Script ECHO = (request, res) -> {
        JsonNode messages = request.body().path("messages");
        JsonNode last = messages.get(messages.size() - 1).path("content");
        FakeUpstream.text("echo " + (last.isTextual() ? last.asText() : last.path(0).path("text").asText()))
                .answer(request, res);
    };
    // ---- requests, byte for byte

    /** The Host field of every request here (any value routes alike). */
    static final String HOST = "Host: 127.0.0.1\r\n";

    static String get(String target, String... headerLines) {
        return "GET " + target + " HTTP/1.1\r\n" + HOST + lines(headerLines) + "\r\n";
    }

    /** A POST with a JSON body, a key and a Content-Length. */
    static String post(String target, String body, String... headerLines) {
        return "POST " + target + " HTTP/1.1\r\n" + HOST + "x-api-key: k\r\nContent-Type: application/json\r\n"
                + lines(headerLines) + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n"
                + body;
    }

    /** A POST with a JSON body, a key, and {@code chunkedBody} as it stands (see {@link #chunked}). */
    static String postChunked(String target, String chunkedBody, String... headerLines) {
        return "POST " + target + " HTTP/1.1\r\n" + HOST + "x-api-key: k\r\nContent-Type: application/json\r\n"
                + lines(headerLines) + "Transfer-Encoding: chunked\r\n\r\n" + chunkedBody;
    }

    /** {@code body} (ASCII) cut into chunks of the given sizes in turn, sizes in upper-case hex, then the last chunk. */
    static String chunked(String body, int... sizes) {
        StringBuilder out = new StringBuilder();
        for (int at = 0, i = 0; at < body.length(); i++) {
            int size = Math.min(sizes[i % sizes.length], body.length() - at);
            out.append(Integer.toHexString(size).toUpperCase()).append("\r\n").append(body, at, at + size).append("\r\n");
            at += size;
        }
        return out.append("0\r\n\r\n").toString();
    }

    static String userSays(String text) {
        return BODY.replace("\"hi\"", "\"" + text + "\"");
    }

    private static String lines(String... headerLines) {
        StringBuilder out = new StringBuilder();
        for (String line : headerLines) {
            out.append(line).append("\r\n");
        }
        return out.toString();
    }

    // ---- what comes back

    static JsonNode json(RawResponse response) {
        assertThat(response.header("content-type")).as("content-type of %s", response)
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A 200 from {@code /health}. */
    static void assertHealth(RawResponse response) {
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(json(response).path("status").asText()).isEqualTo("ok");
    }

    /** A 200 Messages answer whose text is {@code text}. */
    static void assertMessage(RawResponse response, String text) {
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        JsonNode message = json(response);
        assertThat(message.path("type").asText()).isEqualTo("message");
        assertThat(message.path("content").path(0).path("text").asText()).isEqualTo(text);
    }

    /** A 200 count_tokens answer for {@link #BODY}. */
    static void assertCounted(RawResponse response) {
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(json(response).path("input_tokens").asInt()).isEqualTo(BODY_TOKENS);
    }

    /** The response is framed by a Content-Length equal to its body's size (the parser read exactly that many). */
    static void assertLengthDelimited(RawResponse response) {
        assertThat(response.framing()).as("%s", response).isEqualTo(Framing.CONTENT_LENGTH);
        assertThat(response.header("content-length")).contains(String.valueOf(response.body().length));
        assertThat(response.header("transfer-encoding")).isEmpty();
    }

    /** The connection still serves: one more request on it is answered. */
    static void assertStillServes(RawClient client) {
        assertHealth(client.send(get("/health")).readResponse(T));
    }

    // ---- keep-alive and pipelining

    @Test
    void twoRequestsOnOneConnectionAreBothAnsweredAndItStaysOpen() {
        RawClient client = connect();
        RawResponse health = client.send(get("/health")).readResponse(T);
        assertHealth(health);
        assertThat(health.version()).isEqualTo("HTTP/1.1");
        assertThat(health.connectionHas("close")).isFalse();
        RawResponse message = client.send(post("/v1/messages", userSays("second"))).readResponse(T);
        assertMessage(message, "echo second");
        assertThat(message.connectionHas("close")).isFalse();
        assertStillServes(client);
    }

    @Test
    void fiftyPipelinedRequestsAreAnsweredInOrderOnTheSameSocket() {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            requests.append(switch (i % 3) {
                case 0 -> get("/health");
                case 1 -> post("/v1/messages/count_tokens", BODY);
                default -> post("/v1/messages", userSays("n=" + i));
            });
        }
        RawClient client = connect().send(requests.toString()); // one write: all fifty before the first answer
        for (int i = 0; i < 50; i++) {
            RawResponse response = client.readResponse(T);
            assertLengthDelimited(response);
            switch (i % 3) {
                case 0 -> assertHealth(response);
                case 1 -> assertCounted(response);
                default -> assertMessage(response, "echo n=" + i);
            }
        }
        assertStillServes(client);
    }

    @Test
    void aBodyTheGatewayDidNotNeedIsSkippedAndTheNextRequestOnTheConnectionIsServed() {
        RawClient client = connect();
        // no key: 401 before the body is read
        client.send(post("/v1/messages", BODY).replace("x-api-key: k\r\n", "") + get("/health"));
        RawResponse refused = client.readResponse(T);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(json(refused).path("error").path("type").asText()).isEqualTo("authentication_error");
        assertThat(refused.connectionHas("close")).isFalse();
        assertHealth(client.readResponse(T));

        // no JSON content type: 415 before the (chunked) body is read
        client.send(postChunked("/v1/messages/count_tokens", chunked(BODY, 7, 30))
                .replace("Content-Type: application/json\r\n", "") + get("/health"));
        RawResponse unsupported = client.readResponse(T);
        assertThat(unsupported.status()).isEqualTo(415);
        assertThat(json(unsupported).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertHealth(client.readResponse(T));
    }

    @Test
    void aRequestArrivingInSmallPiecesIsReadWhole() {
        RawClient client = connect();
        String request = post("/v1/messages", userSays("in pieces")) + get("/health");
        // cut everywhere a reader could trip: inside the method, between CR and LF, inside the blank line, the body
        int[] cuts = {2, request.indexOf("\r\n") + 1, request.indexOf("Content-Length") + 9,
                request.indexOf("\r\n\r\n") + 3, request.indexOf("\r\n\r\n") + 20, request.indexOf("GET /health") + 1};
        int from = 0;
        for (int cut : cuts) {
            client.send(request.substring(from, cut));
            from = cut;
        }
        client.send(request.substring(from));
        assertMessage(client.readResponse(T), "echo in pieces");
        assertHealth(client.readResponse(T));
    }

    @Test
    void headerNamesAreMatchedWhateverTheirCase() {
        RawClient client = connect();
        String body = userSays("any case");
        assertMessage(client.send("POST /v1/messages HTTP/1.1\r\nhOsT: 127.0.0.1\r\nX-API-KEY: k\r\n"
                + "content-TYPE: application/json\r\nCONTENT-LENGTH: " + body.length() + "\r\n\r\n" + body)
                .readResponse(T), "echo any case");
        assertCounted(client.send("POST /v1/messages/count_tokens HTTP/1.1\r\nhost: 127.0.0.1\r\nx-api-key: k\r\n"
                + "content-type: application/json\r\ntransfer-encoding: CHUNKED\r\n\r\n" + chunked(BODY, 40))
                .readResponse(T));
    }

    // ---- Connection: close

    @Test
    void connectionCloseFromTheClientIsAnsweredWithConnectionCloseThenTheSocketIsClosed() {
        RawClient client = connect();
        RawResponse health = client.send(get("/health", "Connection: close")).readResponse(T);
        assertHealth(health);
        assertLengthDelimited(health);
        assertThat(health.connectionHas("close")).isTrue();
        client.assertClosedWithin(T);

        RawClient second = connect();
        RawResponse message = second.send(post("/v1/messages", userSays("bye"), "Connection: close")).readResponse(T);
        assertMessage(message, "echo bye");
        assertThat(message.connectionHas("close")).isTrue();
        second.assertClosedWithin(T);
    }

    @Test
    void connectionCloseAfterKeptAliveRequestsClosesAfterItsOwnAnswer() {
        RawClient client = connect();
        assertHealth(client.send(get("/health")).readResponse(T));
        RawResponse last = client.send(post("/v1/messages/count_tokens", BODY, "Connection: close")).readResponse(T);
        assertCounted(last);
        assertThat(last.connectionHas("close")).isTrue();
        client.assertClosedWithin(T);
    }

    // ---- request bodies

    @Test
    void aChunkedRequestBodyReadsAsTheSameBodyWithAContentLength() {
        RawClient client = connect();
        assertCounted(client.send(post("/v1/messages/count_tokens", BODY)).readResponse(T));
        // several chunks, one of them with an upper-case hex size (1A = 26)
        assertCounted(client.send(postChunked("/v1/messages/count_tokens", chunked(BODY, 5, 26, 1)))
                .readResponse(T));

        assertMessage(client.send(post("/v1/messages", userSays("framed by length"))).readResponse(T),
                "echo framed by length");
        JsonNode byLength = upstream.lastRequest().body();
        assertMessage(client.send(postChunked("/v1/messages", chunked(userSays("framed by length"), 5, 26, 1)))
                .readResponse(T), "echo framed by length");
        assertThat(upstream.lastRequest().body()).as("what the upstream was sent").isEqualTo(byLength);
        assertStillServes(client);
    }

    @Test
    void expect100ContinueGets100ContinueBeforeTheFinalAnswer() {
        RawClient client = connect();
        String request = post("/v1/messages", userSays("after continue"), "Expect: 100-continue");
        int headEnd = request.indexOf("\r\n\r\n") + 4;
        RawResponse interim = client.send(request.substring(0, headEnd)).readResponse(T);
        assertThat(interim.version()).isEqualTo("HTTP/1.1");
        assertThat(interim.status()).isEqualTo(100);
        assertThat(interim.reason()).isEqualTo("Continue");
        assertThat(interim.body()).isEmpty();
        assertMessage(client.send(request.substring(headEnd)).readResponse(T), "echo after continue");
        assertStillServes(client);
    }

    @Test
    void expect100ContinueWithABodySentAtOnceGets100ThenTheAnswer() {
        RawClient client = connect().send(post("/v1/messages/count_tokens", BODY, "Expect: 100-continue"));
        assertThat(client.readResponse(T).status()).isEqualTo(100);
        assertCounted(client.readResponse(T));
        assertStillServes(client);
    }

    @Test
    void expect100ContinueRefusedBeforeTheBodyGetsTheFinalAnswerWithoutA100() {
        RawClient client = connect();
        String request = post("/v1/messages/count_tokens", BODY, "Expect: 100-continue")
                .replace("Content-Type: application/json\r\n", "");
        int headEnd = request.indexOf("\r\n\r\n") + 4;
        RawResponse refused = client.send(request.substring(0, headEnd)).readResponse(T);
        assertThat(refused.status()).as("%s", refused).isEqualTo(415);
        assertThat(json(refused).path("error").path("type").asText()).isEqualTo("invalid_request_error");
        // what the connection is good for afterwards: HttpWireStrictTest
    }

    // ---- response framing

    @Test
    void jsonAnswersAndErrorsAreLengthDelimited() {
        RawClient client = connect();
        assertLengthDelimited(client.send(get("/health")).readResponse(T));
        assertLengthDelimited(client.send(post("/v1/messages", BODY)).readResponse(T));
        assertLengthDelimited(client.send(post("/v1/messages/count_tokens", BODY)).readResponse(T));
        assertLengthDelimited(client.send(get("/v1/models")).readResponse(T));
        RawResponse page = client.send(get("/")).readResponse(T);
        assertLengthDelimited(page);
        assertThat(page.header("content-type")).contains("text/html; charset=utf-8");
        RawResponse missing = client.send(get("/v1/nope")).readResponse(T);
        assertLengthDelimited(missing);
        assertThat(missing.status()).isEqualTo(404);
        RawResponse invalid = client.send(post("/v1/messages", "{\"model\": ")).readResponse(T);
        assertLengthDelimited(invalid);
        assertThat(invalid.status()).isEqualTo(400);
        assertStillServes(client);
    }

    /**
     * An upstream stream that sends "part one", then holds until {@code release} opens (at most 10 s, so a broken test
     * ends), then sends " part two", its end, and its usage.
     */
    static FakeUpstream.Script heldStream(CountDownLatch release) {
        return (request, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
            try (OutputStream out = res.outputStream()) {
                out.write(("data: {\"id\":\"gen-h\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                        + "\"content\":\"part one\"}}]}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                release.await(10, TimeUnit.SECONDS);
                out.write(("data: {\"id\":\"gen-h\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" part two\"},"
                        + "\"finish_reason\":\"stop\"}]}\n\n"
                        + "data: {\"id\":\"gen-h\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}}\n\n"
                        + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    @Test
    void aStreamingAnswerIsAnEventStreamFramedByLengthOrChunked() {
        RawClient client = connect();
        RawResponse stream = client.send(post("/v1/messages", STREAM_BODY.replace("\"hi\"", "\"streamed\"")))
                .readResponse(T);
        assertThat(stream.status()).isEqualTo(200);
        assertThat(stream.header("content-type")).contains("text/event-stream; charset=utf-8");
        assertThat(stream.header("cache-control")).contains("no-cache");
        // A response never flushed before its end goes with a Content-Length (the whole stream came from the upstream
        // before the first flush); once flushed, chunked. Never delimited by the connection's close.
        assertThat(stream.framing()).isIn(Framing.CHUNKED, Framing.CONTENT_LENGTH);
        assertThat(stream.text()).startsWith("event: message_start\n")
                .contains("\"text\":\"echo streamed\"")
                .contains("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        assertThat(stream.connectionHas("close")).isFalse();
        assertStillServes(client);
    }

    @Test
    void aStreamingAnswerIsSentChunkedAsItGoesAndTheConnectionStaysOpen() {
        CountDownLatch release = new CountDownLatch(1);
        upstream.answer(heldStream(release));
        try {
            RawClient client = connect().send(post("/v1/messages", STREAM_BODY));
            client.awaitReceived("\"text\":\"part one\"", T); // while the upstream holds the rest
            release.countDown();
            RawResponse stream = client.readResponse(T);
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.header("content-type")).contains("text/event-stream; charset=utf-8");
            assertThat(stream.framing()).isEqualTo(Framing.CHUNKED);
            assertThat(stream.header("transfer-encoding")).contains("chunked");
            assertThat(stream.header("content-length")).isEmpty();
            assertThat(stream.chunkSizes()).as("sent in several pieces").hasSizeGreaterThan(2);
            assertThat(stream.text()).startsWith("event: message_start\n")
                    .contains("\"text\":\"part one\"").contains("\"text\":\" part two\"")
                    .endsWith("\n\n").contains("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
            assertThat(stream.connectionHas("close")).isFalse();
            assertStillServes(client);
        } finally {
            release.countDown();
            upstream.answer(ECHO);
        }
    }

    @Test
    void aStreamingAnswerToConnectionCloseIsChunkedToItsEndThenTheSocketIsClosed() {
        CountDownLatch release = new CountDownLatch(1);
        upstream.answer(heldStream(release));
        try {
            RawClient client = connect().send(post("/v1/messages", STREAM_BODY, "Connection: close"));
            client.awaitReceived("\"text\":\"part one\"", T);
            release.countDown();
            RawResponse stream = client.readResponse(T);
            assertThat(stream.status()).isEqualTo(200);
            assertThat(stream.framing()).isEqualTo(Framing.CHUNKED);
            assertThat(stream.connectionHas("close")).isTrue();
            assertThat(stream.text()).contains("\"text\":\" part two\"").contains("event: message_stop\n");
            client.assertClosedWithin(T);
        } finally {
            release.countDown();
            upstream.answer(ECHO);
        }
    }

    // ---- malformed requests: refused, and the connection closed (it cannot be trusted to be in step)

    static Stream<Arguments> malformed() {
        String h = HOST;
        String countTokens = "POST /v1/messages/count_tokens HTTP/1.1\r\n" + h + "x-api-key: k\r\n"
                + "Content-Type: application/json\r\n";
        return Stream.of(
                Arguments.of("garbage request line", "HELLO\r\n\r\n", 400),
                Arguments.of("request line without a version", "GET /health\r\n" + h + "\r\n", 400),
                Arguments.of("header line without a colon", "GET /health HTTP/1.1\r\n" + h + "NoColonHere\r\n\r\n", 400),
                Arguments.of("whitespace before the colon", "GET /health HTTP/1.1\r\n" + h + "X-A : b\r\n\r\n", 400),
                Arguments.of("obsolete line folding", "GET /health HTTP/1.1\r\n" + h + "X-A: b\r\n c\r\n\r\n", 400),
                Arguments.of("Content-Length not a number", countTokens + "Content-Length: abc\r\n\r\n", 400),
                Arguments.of("Content-Length negative", countTokens + "Content-Length: -1\r\n\r\n", 400),
                Arguments.of("two different Content-Lengths",
                        countTokens + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n{}{}{}", 400),
                Arguments.of("Content-Length and Transfer-Encoding",
                        countTokens + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(BODY, 8), 400),
                Arguments.of("no Host", "GET /health HTTP/1.1\r\n\r\n", 400),
                Arguments.of("two Hosts", "GET /health HTTP/1.1\r\n" + h + h + "\r\n", 400),
                Arguments.of("Transfer-Encoding gzip", countTokens + "Transfer-Encoding: gzip\r\n\r\n", 400),
                Arguments.of("Transfer-Encoding gzip, chunked",
                        countTokens + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
                Arguments.of("version HTTP/2.0 as text", "GET /health HTTP/2.0\r\n" + h + "\r\n", 505),
                Arguments.of("invalid percent escape", "GET /heal%zzh HTTP/1.1\r\n" + h + "\r\n", 400),
                Arguments.of("truncated percent escape", "GET /health% HTTP/1.1\r\n" + h + "\r\n", 400),
                Arguments.of("bare LF line ends", "GET /health HTTP/1.1\n" + h.replace("\r\n", "\n") + "\n", 400),
                Arguments.of("request target of 64 KB", "GET /" + "a".repeat(65_536) + " HTTP/1.1\r\n" + h + "\r\n",
                        414));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("malformed")
    void aMalformedRequestIsRefusedAndTheConnectionClosed(String what, String request, int status) {
        RawClient client = connect();
        client.sendAsFarAsAccepted(request);
        RawResponse refused = client.readResponse(T);
        assertThat(refused.version()).isEqualTo("HTTP/1.1");
        assertEnvelope(refused, status, status == 414 ? "request_too_large" : "invalid_request_error");
        assertThat(refused.connectionHas("close")).isTrue();
        client.assertClosedWithin(T);
    }

    /** The Anthropic error envelope, as JSON with a Content-Length. */
    static void assertEnvelope(RawResponse response, int status, String type) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertLengthDelimited(response);
        JsonNode envelope = json(response);
        assertThat(envelope.path("type").asText()).as("%s", response).isEqualTo("error");
        assertThat(envelope.path("error").path("type").asText()).isEqualTo(type);
        assertThat(envelope.path("error").path("message").asText()).isNotBlank();
    }

    // ---- routes and request targets

    @Test
    void anUnknownRouteIs404NotFoundErrorAndTheConnectionStaysOpen() {
        RawClient client = connect();
        RawResponse missing = client.send(get("/v1/complete")).readResponse(T);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.reason()).isEqualTo("Not Found");
        JsonNode envelope = json(missing);
        assertThat(envelope.path("type").asText()).isEqualTo("error");
        assertThat(envelope.path("error").path("type").asText()).isEqualTo("not_found_error");
        assertThat(envelope.path("error").path("message").asText()).isEqualTo("Not found: GET /v1/complete");
        assertThat(missing.connectionHas("close")).isFalse();
        assertStillServes(client);
    }

    @Test
    void headOfTheRootIs200WithoutABodyAndTheConnectionStaysInStep() {
        RawClient client = connect();
        RawResponse head = client.send("HEAD / HTTP/1.1\r\n" + HOST + "\r\n").readResponse(T, true);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.connectionHas("close")).isFalse();
        // no body bytes followed the head: the next response parses from its status line
        assertStillServes(client);
    }

    @Test
    void aRequestTargetInAbsoluteFormRoutesLikeTheOriginForm() {
        String authority = "http://127.0.0.1:" + gateway.port();
        RawClient client = connect();
        assertCounted(client.send(post(authority + "/v1/messages/count_tokens", BODY)).readResponse(T));
        assertMessage(client.send(post(authority + "/v1/messages", userSays("absolute"))).readResponse(T),
                "echo absolute");
        assertHealth(client.send(get(authority + "/health")).readResponse(T));
        RawResponse missing = client.send(get(authority + "/v1/complete")).readResponse(T);
        assertThat(json(missing).path("error").path("message").asText()).isEqualTo("Not found: GET /v1/complete");
    }

    @Test
    void aPercentEncodedPathIsDecodedBeforeRouting() {
        RawClient client = connect();
        assertHealth(client.send(get("/heal%74h")).readResponse(T));
        RawResponse model = client.send(get("/v1/models/anthropic%2Fclaude-opus-4.6")).readResponse(T);
        assertThat(model.status()).isEqualTo(200);
        assertThat(json(model).path("id").asText()).isEqualTo("anthropic/claude-opus-4.6");
        assertMessage(client.send(post("/v1/%6Dessages", userSays("decoded"))).readResponse(T), "echo decoded");
    }
}
