package dev.ccrouter.server;

import static dev.ccrouter.testing.MisbehavingUpstream.chunk;
import static dev.ccrouter.testing.MisbehavingUpstream.head;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.testing.AnthropicStreamGrammar;
import dev.ccrouter.testing.MisbehavingUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One contract for every way an upstream can fail, streaming or not: before the first byte reaches the client, an HTTP
 * error in Anthropic's envelope (502 for an unreadable or broken answer, 504 for silence); after it, {@code event:
 * error} and the end of the stream. Never a stream that just stops, never a 500, never a hang.
 */
class UpstreamFaultsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    static final String STREAM = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String WHOLE = STREAM.replace("\"stream\":true,", "");
    /** A complete OpenAI stream of one short answer with usage. */
    /** A whole (non-streaming) answer. */
    private static final String WHOLE_ANSWER = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
            + "\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}";
    static final String TRANSCRIPT = """
            data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"},"finish_reason":null}]}

            data: {"choices":[{"index":0,"delta":{"content":" there."},"finish_reason":"stop"}]}

            data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}

            data: [DONE]

            """;

    static MisbehavingUpstream upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = MisbehavingUpstream.start();
        gateway = RunningGateway.start(upstream.baseUrl(), config -> config.withReadTimeout(READ_TIMEOUT));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    // ---- before the first byte: an HTTP error -----------------------------------------------------------------

    @Test
    void anUpstreamThatNeverAnswersIsA504AfterTheReadTimeout() throws Exception {
        upstream.behave((socket, out) -> upstream.stall());
        long start = System.nanoTime();
        HttpResponse<String> response = post(STREAM);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertError(response, 504, "timeout_error", "The upstream at " + upstream.baseUrl()
                + "/chat/completions did not answer in time.");
        assertThat(took).isLessThan(READ_TIMEOUT.multipliedBy(2)); // once the timeout, not twice or thrice
    }

    @Test
    void aPooledConnectionResetBeforeAnyResponseIsRetriedOnceOnAFreshOneThenA502() throws Exception {
        upstream.behave((socket, out) -> answerWhole(out));
        assertThat(post(WHOLE).statusCode()).isEqualTo(200); // its connection waits in the pool for the next request
        upstream.behave((socket, out) -> MisbehavingUpstream.reset(socket));
        int before = upstream.requests();

        HttpResponse<String> response = post(WHOLE);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(errorOf(response).path("type").asText()).isEqualTo("api_error");
        assertThat(errorOf(response).path("message").asText())
                .startsWith("Could not reach the upstream at " + upstream.baseUrl() + "/chat/completions: ");
        assertThat(upstream.requests() - before).isEqualTo(2);
    }

    /**
     * The one retry is for a pooled connection the provider closed while it waited: the request it was given was never
     * read. A connection opened for the request (none was pooled) that ends without an answer may have carried the
     * POST to a provider now generating (and billing) it: the client gets the 502 at once, the request sent once.
     */
    @Test
    void aFreshConnectionClosedWithoutAnAnswerIsA502WithoutASecondConnection() throws Exception {
        try (MisbehavingUpstream closing = MisbehavingUpstream.start();
             RunningGateway alone = RunningGateway.start(closing.baseUrl(), UpstreamFaultsTest::alone)) {
            closing.behave((socket, out) -> socket.close());

            HttpResponse<String> response = post(alone, WHOLE);

            assertError(response, 502, "api_error", "Could not reach the upstream at " + closing.baseUrl()
                    + "/chat/completions: the connection closed before a response");
            assertThat(closing.connections()).as("connections the gateway opened").isEqualTo(1);
            assertThat(closing.requests()).as("POSTs the upstream received").isEqualTo(1);
        }
    }

    @Test
    void aPooledConnectionTheProviderClosedHasTheRequestSentAgainOnAFreshOne() throws Exception {
        try (MisbehavingUpstream closing = MisbehavingUpstream.start();
             RunningGateway alone = RunningGateway.start(closing.baseUrl(), UpstreamFaultsTest::alone)) {
            CompletableFuture<Void> closedWhileIdle = new CompletableFuture<>();
            closing.behave((socket, out) -> { // each connection answers one request, then is closed by the provider
                answerWhole(out);
                socket.close();
                closedWhileIdle.complete(null);
            });
            assertThat(post(alone, WHOLE).statusCode()).isEqualTo(200);
            closedWhileIdle.get(5, TimeUnit.SECONDS);

            HttpResponse<String> response = post(alone, WHOLE);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(closing.connections()).as("connections the gateway opened").isEqualTo(2);
            assertThat(closing.requests()).as("POSTs the upstream received: the closed one's was never read")
                    .isEqualTo(2);
        }
    }

    /** A gateway of its own, so that its pool holds only what the test put there, and no price catalog fetch. */
    private static GatewayConfig alone(GatewayConfig config) {
        return config.withReadTimeout(READ_TIMEOUT).withPricingRefresh(Duration.ZERO);
    }

    private static void answerWhole(OutputStream out) throws IOException {
        out.write(head(200, "content-type", "application/json",
                "content-length", Integer.toString(WHOLE_ANSWER.length())));
        out.write(WHOLE_ANSWER.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    // Nor is a request retried, pooled connection or not, once an answer byte came (design.md): an upstream that
    // has begun its answer has taken the POST, and may be generating (and billing) it; posting it again bills twice.

    @Test
    void aResponseHeadCutShortIsNotPostedAgain() throws Exception {
        upstream.behave((socket, out) -> {
            out.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.close();
        });
        assertPostedOnceAnswered(502);
    }

    @Test
    void aResponseWithAnUnreadableContentLengthIsNotPostedAgain() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "application/json", "content-length", "12 34"));
            out.write(WHOLE_ANSWER.getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.close();
        });
        assertPostedOnceAnswered(502);
    }

    @Test
    void bytesLeftOverFromOneAnswerDoNotGetTheNextRequestPostedTwice() throws Exception {
        // The first answer sends two bytes past its Content-Length; its connection must not serve the next request.
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "application/json",
                    "content-length", Integer.toString(WHOLE_ANSWER.length())));
            out.write((WHOLE_ANSWER + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        });
        assertThat(post(WHOLE).statusCode()).isEqualTo(200);
        assertPostedOnceAnswered(200);
    }

    /** A whole request is answered {@code status}, having reached the upstream once. */
    private static void assertPostedOnceAnswered(int status) throws Exception {
        int before = upstream.requests();
        assertThat(post(WHOLE).statusCode()).isEqualTo(status);
        assertThat(upstream.requests() - before).as("POSTs the upstream received for one client request").isEqualTo(1);
    }

    @Test
    void anHtmlPageInsteadOfAnEventStreamIsA502QuotingIt() throws Exception {
        upstream.behave((socket, out) -> {
            byte[] page = "<html><body>Bad gateway from the CDN</body></html>".getBytes(StandardCharsets.UTF_8);
            out.write(head(200, "content-type", "text/html", "content-length", Integer.toString(page.length)));
            out.write(page);
            out.flush();
        });

        assertError(post(STREAM), 502, "api_error", "The upstream answered 200 with content type text/html, "
                + "not an event stream: <html><body>Bad gateway from the CDN</body></html>");
    }

    @Test
    void aRedirectIsA502ThatSaysSo() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(302, "location", "https://elsewhere.example/v1/chat/completions", "content-length", "0"));
            out.flush();
        });

        assertError(post(WHOLE), 502, "api_error", "The upstream answered HTTP 302 (a redirect to "
                + "https://elsewhere.example/v1/chat/completions, which the gateway does not follow): check the "
                + "provider's base URL.");
    }

    @Test
    void noContentIsA502() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(204));
            out.flush();
        });

        assertError(post(WHOLE), 502, "api_error",
                "The upstream returned a response that could not be read as JSON: the body is empty");
    }

    /**
     * A 200 JSON body that holds no choice (here a provider's own error envelope) is no answer, streaming or not: not
     * an empty message that ends with {@code end_turn}.
     */
    @Test
    void aJsonAnswerWithoutAChoiceIsAnErrorStreamingOrNot() throws Exception {
        String noChoice = "{\"id\":\"x1\",\"base_resp\":{\"status_code\":1008,\"status_msg\":\"insufficient balance\"}}";
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "application/json", "content-length", String.valueOf(noChoice.length())));
            out.write(noChoice.getBytes(StandardCharsets.UTF_8));
            out.flush();
        });

        assertError(post(WHOLE), 500, "api_error", "The upstream answered without a choice.");
        HttpResponse<String> streamed = post(STREAM);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertEndsWithError(streamed.body(), "api_error", "The upstream answered without a choice.");
    }

    @Test
    void aWholeAnswerCutShortIsA502() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "application/json", "content-length", "200"));
            out.write("{\"choices\":[{\"index\":0,\"message\":{\"content\":\"Hel".getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.close();
        });

        HttpResponse<String> response = post(WHOLE);

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(errorOf(response).path("message").asText())
                .startsWith("The upstream returned a response that could not be read as JSON: ");
    }

    @Test
    void aWholeAnswerThatStallsIsA504AfterTheReadTimeout() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "application/json", "content-length", "200"));
            out.write("{\"choices\":[".getBytes(StandardCharsets.UTF_8));
            out.flush();
            upstream.stall();
        });
        long start = System.nanoTime();
        HttpResponse<String> response = post(WHOLE);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertError(response, 504, "timeout_error", "The upstream stopped sending its answer for longer than the "
                + "read timeout.");
        assertThat(took).isLessThan(READ_TIMEOUT.multipliedBy(2));
    }

    // ---- after the first byte: event: error ---------------------------------------------------------------------

    @Test
    void aStreamThatStallsEndsWithATimeoutErrorEvent() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(TRANSCRIPT.substring(0, TRANSCRIPT.indexOf("\n\n") + 2)));
            out.flush();
            upstream.stall();
        });
        long start = System.nanoTime();
        HttpResponse<String> response = post(STREAM);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.statusCode()).isEqualTo(200);
        assertEndsWithError(response.body(), "timeout_error",
                "The upstream sent nothing for longer than the read timeout during the stream.");
        assertThat(SseCapture.eventNames(response.body())).containsSubsequence("content_block_delta", "error");
        assertThat(took).isLessThan(READ_TIMEOUT.multipliedBy(2));
    }

    @Test
    void aStreamResetMidwayEndsWithAnErrorEvent() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(TRANSCRIPT.substring(0, TRANSCRIPT.indexOf("\n\n") + 2)));
            out.flush();
            MisbehavingUpstream.reset(socket);
        });

        HttpResponse<String> response = post(STREAM);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode error = lastError(response.body());
        assertThat(error.path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("message").asText()).startsWith("The upstream connection failed during the stream: ");
    }

    /** Where the finish reason's line ends: a cut before it leaves the answer unfinished. */
    private static final int FINISH_LINE_END = TRANSCRIPT.indexOf("\"finish_reason\":\"stop\"}]}") + 25;
    /** Where the finish reason's event ends, blank line included: a cut after it leaves the answer finished. */
    private static final int FINISH_EVENT_END = FINISH_LINE_END + 2;

    /**
     * Every 9th byte up to the end of the usage chunk (after it the answer is whole: [DONE] is optional), leaving out
     * the two bytes between the finish reason's line and its blank line, where a cut may read either way.
     */
    static List<Integer> cutPoints() {
        return IntStream.range(0, TRANSCRIPT.indexOf("data: [DONE]"))
                .filter(i -> i % 9 == 0 && (i < FINISH_LINE_END || i >= FINISH_EVENT_END))
                .boxed().toList();
    }

    @ParameterizedTest(name = "cut after {0} bytes, length-delimited")
    @MethodSource("cutPoints")
    void aLengthDelimitedStreamCutAnywhereEndsWithAnErrorEvent(int cut) throws Exception {
        byte[] body = TRANSCRIPT.getBytes(StandardCharsets.UTF_8);
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "content-length", Integer.toString(body.length)));
            out.write(body, 0, cut);
            out.flush();
            socket.close();
        });

        assertCutShort(cut, post(STREAM));
    }

    @ParameterizedTest(name = "cut after {0} bytes, chunked")
    @MethodSource("cutPoints")
    void aChunkedStreamCutAnywhereEndsWithAnErrorEvent(int cut) throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(TRANSCRIPT.substring(0, cut)));
            out.flush();
            socket.close();
        });

        assertCutShort(cut, post(STREAM));
    }

    @ParameterizedTest(name = "cut after {0} bytes, delimited by the connection's end")
    @MethodSource("cutPoints")
    void aStreamDelimitedByCloseAndCutAnywhereEndsWithAnErrorEvent(int cut) throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "connection", "close"));
            out.write(TRANSCRIPT.getBytes(StandardCharsets.UTF_8), 0, cut);
            out.flush();
            socket.close();
        });

        assertCutShort(cut, post(STREAM));
    }

    @Test
    void aStreamDelimitedByCloseThatIsCompleteEndsNormally() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "connection", "close"));
            out.write(TRANSCRIPT.getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.close();
        });

        HttpResponse<String> response = post(STREAM);

        assertThat(AnthropicStreamGrammar.check(response.body()).completed()).isTrue();
        assertThat(response.body()).contains("\"text\":\"Hello\"", "\"text\":\" there.\"");
    }

    @Test
    void gzipWithoutAHeaderEndsWithAnErrorEvent() throws Exception {
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(gzipped)) {
            zip.write(TRANSCRIPT.getBytes(StandardCharsets.UTF_8));
        }
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "content-length",
                    Integer.toString(gzipped.size())));
            out.write(gzipped.toByteArray());
            out.flush();
        });

        assertEndsWithError(post(STREAM).body(), "api_error",
                "The upstream closed the stream before the response was complete.");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /**
     * Cut before the finish reason, the answer is unfinished and the stream ends with an error; cut after it, the
     * answer stands whole (the usage is estimated when its chunk was lost).
     */
    private static void assertCutShort(int cut, HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).isEqualTo(200);
        AnthropicStreamGrammar.Outcome outcome = AnthropicStreamGrammar.check(response.body());
        if (cut < FINISH_LINE_END) {
            assertThat(outcome.completed()).as("a cut-off stream must not look complete:\n" + response.body()).isFalse();
            assertThat(outcome.error().path("error").path("type").asText()).isEqualTo("api_error");
        } else {
            assertThat(outcome.completed()).as("a finished answer stands:\n" + response.body()).isTrue();
            assertThat(outcome.message().path("content").path(0).path("text").asText()).isEqualTo("Hello there.");
            assertThat(outcome.message().path("stop_reason").asText()).isEqualTo("end_turn");
        }
    }

    private static void assertEndsWithError(String body, String type, String message) throws Exception {
        AnthropicStreamGrammar.Outcome outcome = AnthropicStreamGrammar.check(body);
        assertThat(outcome.completed()).isFalse();
        assertThat(outcome.error().path("error").path("type").asText()).isEqualTo(type);
        assertThat(outcome.error().path("error").path("message").asText()).isEqualTo(message);
    }

    private static JsonNode lastError(String body) throws Exception {
        AnthropicStreamGrammar.Outcome outcome = AnthropicStreamGrammar.check(body);
        assertThat(outcome.completed()).isFalse();
        return outcome.error().path("error");
    }

    private static void assertError(HttpResponse<String> response, int status, String type, String message)
            throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = errorOf(response);
        assertThat(error.path("type").asText()).isEqualTo(type);
        assertThat(error.path("message").asText()).isEqualTo(message);
    }

    private static JsonNode errorOf(HttpResponse<String> response) throws Exception {
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("type").asText()).isEqualTo("error");
        return body.path("error");
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return post(gateway, body);
    }

    private static HttpResponse<String> post(RunningGateway to, String body) throws Exception {
        return SseCapture.post(to.baseUrl() + "/v1/messages", body, "x-api-key", "sk-test");
    }
}
