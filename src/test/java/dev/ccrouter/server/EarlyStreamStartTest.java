package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.AnthropicStreamGrammar;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A streaming request whose upstream stays silent past {@code stream.early_start_seconds} (300 ms here) gets its
 * stream started at once — 200, {@code message_start}, {@code ping} — while the upstream is still held; what the
 * upstream then says continues that stream (one {@code message_start}, never two), and what goes wrong arrives as
 * {@code event: error} with the type the HTTP error would have had. Each upstream here holds its answer until the test
 * has seen the early {@code message_start}, which proves the start came before the upstream's answer.
 */
class EarlyStreamStartTest {
    private static final Duration EARLY = Duration.ofMillis(300);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    FakeUpstream upstream;
    FakeUpstream backup;
    RunningGateway gateway;
    AccessLogCapture accessLog;
    final CountDownLatch called = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        backup = FakeUpstream.start();
        accessLog = new AccessLogCapture();
    }

    @AfterEach
    void stop() {
        release.countDown();
        accessLog.close();
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
        backup.close();
    }

    private void startGateway(UnaryOperator<GatewayConfig> more) {
        gateway = RunningGateway.start(upstream, config -> more.apply(config.withEarlyStart(EARLY)));
    }

    @Test
    void aSilentUpstreamsStreamStartsEarlyAndItsAnswerContinuesIt() {
        upstream.answer(FakeUpstream.held(called, release, FakeUpstream.text("Worth the wait.")));
        startGateway(UnaryOperator.identity());
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(gateway.baseUrl()).apiKey("sk-client-key")
                .maxRetries(0).build();
        MessageAccumulator accumulator = MessageAccumulator.create();

        String startedId;
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(
                MessageCreateParams.builder().model("claude-sonnet-5").maxTokens(1024).addUserMessage("Hi").build())) {
            Iterator<RawMessageStreamEvent> events = stream.stream().iterator();
            RawMessageStreamEvent first = events.next().validate();
            assertThat(first.isMessageStart()).isTrue();
            assertThat(release.getCount()).as("the upstream has not answered yet").isEqualTo(1);
            startedId = first.asMessageStart().message().id();
            accumulator.accumulate(first);
            release.countDown();
            events.forEachRemaining(event -> accumulator.accumulate(event.validate()));
        }

        Message message = accumulator.message().validate();
        assertThat(message.id()).isEqualTo(startedId);
        assertThat(message.content().getFirst().asText().text()).isEqualTo("Worth the wait.");
        assertThat(message.usage().inputTokens()).isEqualTo(10);
        assertThat(message.usage().outputTokens()).isEqualTo(2);
    }

    @Test
    void theEarlyStartIsOneMessageStartAndAPingThenTheAnswerWithNoSecondStart() throws Exception {
        upstream.answer(FakeUpstream.held(called, release, FakeUpstream.text("Hello.")));
        startGateway(UnaryOperator.identity());

        Streamed streamed = streamReleasingAfterStart();

        assertThat(streamed.status).isEqualTo(200);
        assertThat(streamed.eventNames()).containsExactly("message_start", "ping", "content_block_start",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        AnthropicStreamGrammar.check(streamed.body);
        assertThat(streamed.headers.firstValue("X-CCRouter-Route")).hasValue("family");
        assertThat(accessLog.line(streamed.requestId())).contains(" status=200 ", " stream=true ",
                " input_tokens=10 output_tokens=2 ", " early_start=true").doesNotContain("error=");
    }

    @Test
    void anUpstreamErrorAfterTheEarlyStartArrivesAsAnErrorEventOfTheSameType() throws Exception {
        upstream.answer(FakeUpstream.held(called, release, FakeUpstream.json(429,
                "{\"error\":{\"message\":\"Rate limit exceeded: free-models-per-min\",\"code\":429}}",
                "retry-after", "7")));
        startGateway(UnaryOperator.identity());

        Streamed streamed = streamReleasingAfterStart();

        assertThat(streamed.status).isEqualTo(200);
        assertThat(streamed.eventNames()).containsExactly("message_start", "ping", "error");
        AnthropicStreamGrammar.check(streamed.body);
        JsonNode error = JSON.readTree(streamed.frames().getLast().data());
        assertThat(error.path("type").asText()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(error.path("error").path("message").asText()).contains("Rate limit exceeded: free-models-per-min");
        assertThat(accessLog.line(streamed.requestId())).contains(" status=200 ", " upstream_status=429 ",
                " stream_error=rate_limit_error");
    }

    @Test
    void aFallbackAfterTheEarlyStartAnswersOnTheSameStream() throws Exception {
        upstream.answer(FakeUpstream.held(called, release, FakeUpstream.json(503,
                "{\"error\":{\"message\":\"Provider overloaded\",\"code\":503}}")));
        backup.answer(FakeUpstream.text("From the backup."));
        startGateway(config -> config
                .withProviders(List.of(Providers.at("primary", upstream), Providers.at("backup", backup)))
                .withRoutes(new RouteSettings("primary,model-a", null, null, null, 60_000, null, null,
                        Map.of("primary,model-a", List.of("backup,model-b")))));

        Streamed streamed = streamReleasingAfterStart();

        assertThat(streamed.eventNames()).containsExactly("message_start", "ping", "content_block_start",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        AnthropicStreamGrammar.check(streamed.body);
        assertThat(streamed.text()).isEqualTo("From the backup.");
        assertThat(backup.requests()).hasSize(1);
        assertThat(accessLog.line(streamed.requestId())).contains(" status=200 ", " provider=backup,model-b ",
                " fallbacks=1 ");
    }

    @Test
    void aWholeAnswerAfterTheEarlyStartContinuesTheStream() throws Exception {
        upstream.answer(FakeUpstream.held(called, release, FakeUpstream.json(200,
                "{\"id\":\"gen-w\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                        + "\"Whole, then streamed.\"},\"finish_reason\":\"stop\"}],"
                        + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":4}}")));
        startGateway(UnaryOperator.identity());

        Streamed streamed = streamReleasingAfterStart();

        assertThat(streamed.eventNames()).containsExactly("message_start", "ping", "content_block_start",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        AnthropicStreamGrammar.check(streamed.body);
        assertThat(streamed.text()).isEqualTo("Whole, then streamed.");
    }

    @Test
    void aClientGoneAfterTheEarlyStartCancelsTheUpstreamCall() throws Exception {
        CountDownLatch cancelled = new CountDownLatch(1);
        upstream.answer(FakeUpstream.held(called, release, FakeUpstream.streamUntilCancelled(cancelled,
                "{\"id\":\"gen-c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Never read\"}}]}")));
        startGateway(UnaryOperator.identity());

        HttpResponse<Stream<String>> response = HTTP.send(streamingRequest(), HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            assertThat(lines.filter(line -> line.startsWith("event: ")).findFirst()).hasValue("event: message_start");
        } // closing the lines closes the connection: the client is gone
        String requestId = response.headers().firstValue("request-id").orElseThrow();
        release.countDown();

        assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("the upstream connection was closed").isTrue();
        String line = await().atMost(Duration.ofSeconds(5)).until(() -> accessLog.lines().stream()
                .filter(l -> l.contains(requestId)).findFirst(), found -> found.isPresent()).orElseThrow();
        assertThat(line).contains(" status=200 ", " client_disconnected=true");
    }

    @Test
    void aWholeRequestIsNeverStartedEarly() throws Exception {
        upstream.answer(FakeUpstream.held(called, release, FakeUpstream.text("Whole.")));
        startGateway(UnaryOperator.identity());

        CompletableFuture<HttpResponse<String>> answer = HTTP.sendAsync(request(false),
                HttpResponse.BodyHandlers.ofString());
        assertThat(called.await(5, TimeUnit.SECONDS)).isTrue();
        // still unanswered three EARLYs on (atMost only bounds how late Awaitility's polls may come on a busy machine)
        await().during(EARLY.multipliedBy(3)).atMost(Duration.ofSeconds(5)).until(() -> !answer.isDone());
        release.countDown();

        HttpResponse<String> response = answer.get(5, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(JSON.readTree(response.body()).path("content").get(0).path("text").asText()).isEqualTo("Whole.");
    }

    @Test
    void anUpstreamThatAnswersInTimeGetsNoEarlyStart() throws Exception {
        upstream.answer(FakeUpstream.text("Quick."));
        startGateway(config -> config.withEarlyStart(Duration.ofSeconds(30)));

        HttpResponse<String> response = HTTP.send(streamingRequest(), HttpResponse.BodyHandlers.ofString());

        assertThat(SseCapture.eventNames(response.body())).containsExactly("message_start", "content_block_start",
                "content_block_delta", "content_block_stop", "message_delta", "message_stop");
        assertThat(response.headers().firstValue("X-CCRouter-Provider")).hasValue("openrouter,"
                + gateway.config().models().sonnet());
        assertThat(accessLog.line(response.headers().firstValue("request-id").orElseThrow()))
                .doesNotContain("early_start");
    }

    /** Streams one request; releases the held upstream once the early {@code message_start} has arrived. */
    private Streamed streamReleasingAfterStart() throws IOException, InterruptedException {
        HttpResponse<Stream<String>> response = HTTP.send(streamingRequest(), HttpResponse.BodyHandlers.ofLines());
        List<String> lines = new ArrayList<>();
        try (Stream<String> body = response.body()) {
            Iterator<String> it = body.iterator();
            while (it.hasNext()) {
                String line = it.next();
                lines.add(line);
                if (line.startsWith("data: ") && line.contains("\"message_start\"")) {
                    assertThat(release.getCount()).as("the upstream has not answered yet").isEqualTo(1);
                    release.countDown();
                }
            }
        }
        return new Streamed(response.statusCode(), response.headers(), String.join("\n", lines) + "\n");
    }

    private HttpRequest streamingRequest() {
        return request(true);
    }

    private HttpRequest request(boolean stream) {
        return HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .header("content-type", "application/json").header("x-api-key", "sk-client-key")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-5\",\"max_tokens\":1024,"
                        + "\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                .build();
    }

    private record Streamed(int status, java.net.http.HttpHeaders headers, String body) {
        List<SseCapture.Frame> frames() {
            return SseCapture.frames(body);
        }

        List<String> eventNames() {
            return SseCapture.eventNames(body);
        }

        String requestId() {
            return headers.firstValue("request-id").orElseThrow();
        }

        String text() throws IOException {
            StringBuilder text = new StringBuilder();
            for (SseCapture.Frame frame : frames()) {
                if ("content_block_delta".equals(frame.event())) {
                    text.append(JSON.readTree(frame.data()).path("delta").path("text").asText());
                }
            }
            return text.toString();
        }
    }
}
