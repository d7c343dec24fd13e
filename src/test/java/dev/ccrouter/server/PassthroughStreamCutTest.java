package dev.ccrouter.server;

import static dev.ccrouter.testing.MisbehavingUpstream.chunk;
import static dev.ccrouter.testing.MisbehavingUpstream.head;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.MisbehavingUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * design.md's one failure contract holds for Anthropic-wire providers too: once the stream has started, an upstream
 * that breaks off (a reset, a read timeout) ends the client's stream with {@code event: error}, never by just stopping
 * — a stream that just stops reads, to a client, like an answer that is complete.
 */
class PassthroughStreamCutTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STARTED = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_up_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

            """;
    /** The same answer, whole: its message_stop's event ends it. */
    private static final String COMPLETE = STARTED + """
            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}

            event: message_stop
            data: {"type":"message_stop"}

            """;
    private static final String REQUEST = """
            {"model":"claude,claude-sonnet-4-5","max_tokens":256,"stream":true,\
            "messages":[{"role":"user","content":"hello"}]}""";

    private static final String PROVIDER_KEY = "sk-provider-0123456789";
    /** Shaped like a key, and no key of this request's: redacted all the same. */
    private static final String KEY_SHAPED = "sk-ant-api03-PROVIDERLEAK0123456789abcdefghij";

    static MisbehavingUpstream upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = MisbehavingUpstream.start();
        gateway = RunningGateway.start(upstream.baseUrl(), config -> config.withReadTimeout(Duration.ofSeconds(1))
                .withProviders(List.of(new ProviderSettings("claude", "anthropic", URI.create(upstream.baseUrl()),
                        List.of(PROVIDER_KEY), null, Map.of()))));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aStreamResetMidwayEndsWithAnErrorEvent() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(STARTED));
            out.flush();
            MisbehavingUpstream.reset(socket);
        });

        HttpResponse<String> response = post();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith(relayed(STARTED));
        JsonNode error = lastError(response.body());
        assertThat(error.path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("message").asText()).startsWith("The upstream connection failed during the stream: ");
    }

    /**
     * An upstream that falls silent inside an event (the read timeout breaks it off), or ends its body there without
     * an error of its own, leaves the client the whole events before it, then the error: half an event (an
     * {@code event:} line without its data, a {@code data:} line cut short) would reach the SDKs' JSON parser before
     * the error could.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anUpstreamBreakingOffInsideAnEventLeavesWholeEventsThenTheError(boolean silent) throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(STARTED + "event: content_block_delta\ndata: {\"type\":\"content_block_del"));
            out.flush();
            if (silent) {
                upstream.stall();
            } else {
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // the body ends, cleanly but early
                out.flush();
            }
        });

        HttpResponse<String> response = post();

        assertThat(response.body()).startsWith(relayed(STARTED)).doesNotContain("content_block_del\n");
        assertThat(SseCapture.eventNames(response.body())).containsExactly(
                "message_start", "content_block_start", "content_block_delta", "error");
        for (SseCapture.Frame frame : SseCapture.frames(response.body())) {
            assertThat(JSON.readTree(frame.data()).isObject()).as(frame.data()).isTrue();
        }
        assertThat(lastError(response.body()).path("message").asText()).isEqualTo(silent
                ? "The upstream sent nothing for longer than the read timeout during the stream."
                : "The upstream closed the stream before the response was complete.");
    }

    @Test
    void aStreamThatStallsEndsWithAnErrorEvent() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(STARTED));
            out.flush();
            upstream.stall();
        });

        HttpResponse<String> response = post();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith(relayed(STARTED));
        JsonNode error = lastError(response.body());
        assertThat(error.path("type").asText()).isEqualTo("timeout_error");
        assertThat(error.path("message").asText())
                .isEqualTo("The upstream sent nothing for longer than the read timeout during the stream.");
    }

    /** The upstream's own error event, relayed as it is but for the provider's key it quotes (the client never had it). */
    @Test
    void anErrorEventQuotingTheProvidersKeyIsRelayedWithTheKeyRedacted() throws Exception {
        String error = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                + "\"message\":\"key " + PROVIDER_KEY + " was revoked\"}}\n\n";
        int split = error.indexOf(PROVIDER_KEY) + 8; // the key comes in two chunks
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(STARTED + error.substring(0, split)));
            out.flush();
            out.write(chunk(error.substring(split)));
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });

        HttpResponse<String> response = post();

        assertThat(response.body()).startsWith(relayed(STARTED)).doesNotContain(PROVIDER_KEY.substring(3));
        JsonNode last = lastError(response.body());
        assertThat(last.path("type").asText()).isEqualTo("authentication_error");
        assertThat(last.path("message").asText()).isEqualTo("key [redacted] was revoked");
    }

    /**
     * A key a provider quotes beside the message (in a field of its own, in a list) is redacted there too, and so is
     * anything shaped like a key ({@code sk-…}) that the request did not touch: the operator's other keys are as secret.
     */
    @Test
    void anErrorEventQuotingTheProvidersKeyOutsideItsMessageIsRelayedWithTheKeyRedactedEverywhere() throws Exception {
        String error = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                + "\"message\":\"key revoked\",\"key\":\"" + PROVIDER_KEY + "\",\"details\":{\"tried\":[\"sk-other-key-1\",\""
                + PROVIDER_KEY + "\"],\"attempts\":2}}}\n\n";
        answers(STARTED + error);

        HttpResponse<String> response = post();

        assertThat(response.body()).startsWith(relayed(STARTED)).doesNotContain(PROVIDER_KEY.substring(3));
        assertThat(lastError(response.body()).toString()).isEqualTo("{\"type\":\"authentication_error\","
                + "\"message\":\"key revoked\",\"key\":\"[redacted]\",\"details\":{\"tried\":[\"[redacted]\","
                + "\"[redacted]\"],\"attempts\":2}}");
    }

    /**
     * SSE lets an event's data run over several {@code data:} lines, which clients join with a newline: an error
     * event written so is read joined, and relayed as one line with the keys it quotes redacted (the provider's, and
     * one shaped like a key that the request did not touch).
     */
    @Test
    void anErrorEventWhoseDataRunsOverTwoLinesIsRelayedWithTheKeysRedacted() throws Exception {
        String error = "event: error\ndata: {\"type\":\"error\",\n"
                + "data: \"error\":{\"type\":\"api_error\",\"message\":\"bad key " + PROVIDER_KEY + " or " + KEY_SHAPED
                + "\"}}\n\n";
        answers(STARTED + error);

        try (AccessLogCapture log = new AccessLogCapture()) {
            HttpResponse<String> response = post();

            assertThat(response.body()).isEqualTo(relayed(STARTED) + "event: error\ndata: {\"type\":\"error\","
                    + "\"error\":{\"type\":\"api_error\",\"message\":\"bad key [redacted] or [redacted]\"}}\n\n"
                    + ": " + MessagesHandler.BILLING_COMMENT + response.body().split(MessagesHandler.BILLING_COMMENT, 2)[1]);
            assertThat(response.body()).doesNotContain(PROVIDER_KEY.substring(3)).doesNotContain("PROVIDERLEAK");
            String requestId = response.headers().firstValue("request-id").orElseThrow();
            assertThat(log.line(requestId)).contains(" stream_error=api_error");
        }
    }

    /** A key a provider writes as a member's name, not its value, is redacted there too. */
    @Test
    void anErrorEventWithAKeyAsAMemberNameIsRelayedWithTheNameRedacted() throws Exception {
        String error = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"bad\",\""
                + KEY_SHAPED + "\":\"x\",\"keys\":{\"" + PROVIDER_KEY + "\":1}}}\n\n";
        answers(STARTED + error);

        HttpResponse<String> response = post();

        assertThat(response.body()).doesNotContain(PROVIDER_KEY.substring(3)).doesNotContain("PROVIDERLEAK");
        assertThat(lastError(response.body()).toString()).isEqualTo(
                "{\"type\":\"api_error\",\"message\":\"bad\",\"[redacted]\":\"x\",\"keys\":{\"[redacted]\":1}}");
    }

    /**
     * What cannot be read as JSON (a data line of the provider's own making, a comment) is relayed as it came but
     * for the keys in its text: the client may show it, and a relay that only redacts what it can parse would pass
     * the rest on whole.
     */
    @Test
    void linesThatAreNotJsonAreRelayedWithTheKeysTheyQuoteRedacted() throws Exception {
        String quoting = ": retrying with " + PROVIDER_KEY + "\n\n"
                + "event: error\ndata: upstream failure: key " + PROVIDER_KEY.toUpperCase() + " refused, try " + KEY_SHAPED
                + "\n\n";
        answers(STARTED + quoting);

        HttpResponse<String> response = post();

        assertThat(response.body()).startsWith(relayed(STARTED) + ": retrying with [redacted]\n\n"
                + "event: error\ndata: upstream failure: key [redacted] refused, try [redacted]\n\n");
        assertThat(response.body().toLowerCase()).doesNotContain(PROVIDER_KEY.substring(3)).doesNotContain("providerleak");
    }

    /**
     * A provider's own error type reaches the client as the provider wrote it, but is recorded (access log, ledger,
     * metrics' label) as {@code api_error}: no provider can add values to the error label without bound.
     */
    @Test
    void anErrorEventOfAProvidersOwnTypeIsRelayedAsItIsAndRecordedAsAnApiError() throws Exception {
        String error = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"quota_exceeded_2026_12_07\","
                + "\"message\":\"Daily quota exceeded\"}}\n\n";
        answers(STARTED + error);

        try (AccessLogCapture log = new AccessLogCapture()) {
            HttpResponse<String> response = post();

            assertThat(response.body()).startsWith(relayed(STARTED) + error);
            String requestId = response.headers().firstValue("request-id").orElseThrow();
            assertThat(log.line(requestId)).contains(" status=200 ", " stream_error=api_error")
                    .doesNotContain("quota_exceeded");
        }
    }

    /**
     * An upstream that never ends its line is cut off at the limit the translated streams have (32 MiB), with an
     * error: the line the gateway reads for usage must not grow until the heap is gone.
     */
    @Test
    void aLineThatNeverEndsEndsTheStreamWithAnErrorAtTheLineLimit() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(STARTED + "data: "));
            String part = "a".repeat(1024 * 1024);
            for (int i = 0; i < 33; i++) {
                out.write(chunk(part));
            }
            out.flush();
            upstream.stall(); // without the limit the stream ends only at the read timeout
        });

        HttpResponse<String> response = post();

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode error = lastError(response.body());
        assertThat(error.path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("message").asText()).isEqualTo(
                "The upstream connection failed during the stream: the upstream sent an SSE line longer than 33554432 bytes");
    }

    /**
     * An upstream that ends its lines but never its event (no blank line) is cut off at the same limit: the event the
     * gateway holds until it is whole must not grow until the heap is gone either.
     */
    @Test
    void anEventThatNeverEndsEndsTheStreamWithAnErrorAtTheLimit() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(STARTED));
            String line = ": " + "a".repeat(1024 * 1024) + "\n";
            for (int i = 0; i < 33; i++) {
                out.write(chunk(line));
            }
            out.flush();
            upstream.stall(); // without the limit the stream ends only at the read timeout
        });

        HttpResponse<String> response = post();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith(relayed(STARTED));
        JsonNode error = lastError(response.body());
        assertThat(error.path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("message").asText()).isEqualTo(
                "The upstream connection failed during the stream: the upstream sent an SSE event longer than 33554432 bytes");
    }

    /**
     * A stream whose message_stop has gone out is whole: an upstream that then holds back the body's end (or breaks)
     * is read aside, and the client is told of no error after an answer it already has.
     */
    @Test
    void aWholeStreamWhoseUpstreamThenStallsEndsWithItsMessageStop() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(COMPLETE));
            out.flush();
            upstream.stall();
        });

        HttpResponse<String> response = post();

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith(relayed(COMPLETE));
        assertThat(SseCapture.eventNames(response.body())).as(response.body()).last().isEqualTo("message_stop");
    }

    /**
     * A whole answer over the relay's 64 MiB is refused, not cut at the limit and passed on as a 200 (forwarded) or
     * parsed cut short and blamed on its JSON (translated, by the built-in openrouter provider at the same upstream).
     */
    @ParameterizedTest
    @ValueSource(strings = {"claude,claude-sonnet-4-5", "openrouter,anthropic/claude-sonnet-4.6"})
    void aWholeAnswerLongerThanTheLimitIs502NotCutShort(String model) throws Exception {
        int limit = 64 * 1024 * 1024;
        // Made before the head goes out: making 64 MiB after it, on a loaded machine, took longer than the gateway's
        // one-second read timeout, and the answer was a timeout instead of the limit.
        byte[] body = ("{\"pad\":\"" + "a".repeat(limit - 8) + "\"}").getBytes(StandardCharsets.US_ASCII);
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "application/json", "content-length", String.valueOf(limit + 2)));
            out.write(body);
            out.flush();
        });

        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages",
                REQUEST.replace("\"stream\":true", "\"stream\":false").replace("claude,claude-sonnet-4-5", model),
                "x-api-key", "sk-client");

        assertThat(response.statusCode()).isEqualTo(502);
        JsonNode error = JSON.readTree(response.body()).path("error");
        assertThat(error.path("type").asText()).isEqualTo("api_error");
        assertThat(error.path("message").asText()).isEqualTo("The upstream's answer is longer than 67108864 bytes.");
    }

    /** What reaches the client of the upstream's events: the same, its message naming the model the client asked for. */
    /** The upstream answers a whole chunked event stream of these events, and ends it. */
    private static void answers(String events) {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(events));
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        });
    }

    private static String relayed(String upstreamEvents) {
        return upstreamEvents.replace("\"model\":\"claude-sonnet-4-5\"", "\"model\":\"claude,claude-sonnet-4-5\"");
    }

    /** The stream's last event, which must be {@code error}: its {@code error} object. */
    private static JsonNode lastError(String body) throws Exception {
        List<SseCapture.Frame> frames = SseCapture.frames(body);
        SseCapture.Frame last = frames.get(frames.size() - 1);
        assertThat(last.event()).as(body).isEqualTo("error");
        return JSON.readTree(last.data()).path("error");
    }

    private static HttpResponse<String> post() throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST, "x-api-key", "sk-client",
                "anthropic-version", "2023-06-01");
    }
}
