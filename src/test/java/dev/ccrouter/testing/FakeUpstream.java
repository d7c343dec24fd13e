package dev.ccrouter.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * An in-process OpenAI-compatible upstream for server tests: it records every request to {@code /v1/chat/completions}
 * and answers with the {@link Script} the test set. {@code GET /v1/models} (the price catalog) answers 404 unless a
 * test sets {@link #models(Script)}, and so does {@code GET /v1/generation} (OpenRouter's generation records) unless
 * it sets {@link #generations(Script)}.
 */
public final class FakeUpstream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebServer server;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final AtomicReference<Script> script = new AtomicReference<>(json(200, "{}"));
    private final AtomicReference<Script> models = new AtomicReference<>(
            json(404, "{\"error\":{\"code\":404,\"message\":\"Not Found\"}}"));
    private final List<Recorded> generationRequests = new CopyOnWriteArrayList<>();
    private final AtomicReference<Script> generations = new AtomicReference<>(
            json(404, "{\"error\":{\"code\":404,\"message\":\"Generation not found\"}}"));

    /** One request as the upstream received it; header names are lower-case, the path with its query if any. */
    public record Recorded(JsonNode body, Map<String, String> headers, String path) {
    }

    /** How the upstream answers one request. */
    @FunctionalInterface
    public interface Script {
        void answer(Recorded request, ServerResponse res) throws Exception;
    }

    private FakeUpstream() {
        server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .routing(routing -> routing.post("/v1/chat/completions", this::record)
                        // providers that speak Anthropic's protocol (the passthrough) are posted here
                        .post("/v1/messages", this::record)
                        .get("/v1/models", (req, res) -> models.get().answer(null, res))
                        .get("/v1/generation", this::generation))
                .build()
                .start();
    }

    private void record(ServerRequest req, ServerResponse res) throws Exception {
        byte[] raw = req.content().as(byte[].class);
        String query = req.query().rawValue();
        Recorded recorded = new Recorded(JSON.readTree(raw), headersOf(req),
                req.path().path() + (query.isEmpty() ? "" : "?" + query));
        requests.add(recorded);
        script.get().answer(recorded, res);
    }

    /** OpenRouter's generation record: recorded (no body; the path with its query) and answered by its script. */
    private void generation(ServerRequest req, ServerResponse res) throws Exception {
        Recorded recorded = new Recorded(null, headersOf(req), req.path().path() + "?" + req.query().rawValue());
        generationRequests.add(recorded);
        generations.get().answer(recorded, res);
    }

    private static Map<String, String> headersOf(ServerRequest req) {
        return req.headers().stream().collect(Collectors.toMap(h -> h.name().toLowerCase(), h -> h.get(), (a, b) -> a));
    }

    public static FakeUpstream start() {
        return new FakeUpstream();
    }

    /** The base URL to give the gateway as its upstream. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1";
    }

    public void answer(Script next) {
        script.set(next);
    }

    /** How {@code GET /v1/models} answers from now on (its {@code request} argument is null). */
    public void models(Script next) {
        models.set(next);
    }

    /** How {@code GET /v1/generation?id=…} answers from now on (404 until a test sets it). */
    public void generations(Script next) {
        generations.set(next);
    }

    /** The generation lookups received, in order. */
    public List<Recorded> generationRequests() {
        return generationRequests;
    }

    public List<Recorded> requests() {
        return requests;
    }

    public Recorded lastRequest() {
        return requests.getLast();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** A plain JSON answer. */
    public static Script json(int status, String body, String... headerPairs) {
        return (request, res) -> {
            res.status(Status.create(status));
            for (int i = 0; i + 1 < headerPairs.length; i += 2) {
                res.header(headerPairs[i], headerPairs[i + 1]);
            }
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(body.getBytes(StandardCharsets.UTF_8));
        };
    }

    /**
     * Opens {@code started}, holds the answer until {@code release} opens (a slow or hanging upstream; it gives up
     * after 60 s so a broken test ends), then answers as {@code then}.
     */
    public static Script held(CountDownLatch started, CountDownLatch release, Script then) {
        return (request, res) -> {
            started.countDown();
            release.await(60, TimeUnit.SECONDS);
            then.answer(request, res);
        };
    }

    /** An SSE answer: each payload becomes one {@code data:} event, flushed on its own; then the body ends. */
    public static Script sse(String... payloads) {
        return (request, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
            try (OutputStream out = res.outputStream()) {
                for (String payload : payloads) {
                    writeEvent(out, payload);
                }
            }
        };
    }

    /**
     * A complete text answer in the form the request asked for: an SSE stream (text, finish, usage, {@code [DONE]})
     * when it streams, else a whole completion. Usage: 10 prompt tokens, 2 completion tokens.
     */
    public static Script text(String text) {
        return (request, res) -> {
            String quoted = JSON.writeValueAsString(text);
            String usage = "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}";
            if (request.body().path("stream").asBoolean(false)) {
                sse("{\"id\":\"gen-t\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":"
                                + quoted + "},\"finish_reason\":\"stop\"}]}",
                        "{\"id\":\"gen-t\",\"choices\":[]," + usage + "}", "[DONE]").answer(request, res);
            } else {
                json(200, "{\"id\":\"gen-t\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                        + "\"content\":" + quoted + "},\"finish_reason\":\"stop\"}]," + usage + "}").answer(request, res);
            }
        };
    }

    /** An SSE answer written exactly as given (comments, partial lines, anything), in one piece. */
    public static Script raw(String transcript) {
        return (request, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
            try (OutputStream out = res.outputStream()) {
                out.write(transcript.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    /**
     * Streams the given payloads, then holds the connection open, writing an SSE comment every 20 ms, until the
     * gateway closes it; {@code cancelled} opens at that moment. It gives up after 30 s so a broken test ends.
     */
    public static Script streamUntilCancelled(CountDownLatch cancelled, String... payloads) {
        return (request, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
            OutputStream out = res.outputStream();
            try {
                for (String payload : payloads) {
                    writeEvent(out, payload);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (System.nanoTime() < deadline) {
                    out.write(": still generating\n\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(20); // pacing of the fake model's output, not synchronization
                }
            } catch (IOException | RuntimeException e) {
                // Helidon reports the gateway's closed connection as an unchecked ServerConnectionException.
                cancelled.countDown();
            }
        };
    }

    /**
     * An event stream that writes {@code event} (whole SSE lines) as fast as the gateway takes it, until the gateway
     * closes the connection — {@code closed} opens then — or 20,000 events have gone (so a broken test still ends).
     */
    public static Script flood(byte[] event, CountDownLatch closed) {
        return (request, res) -> {
            res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
            try (OutputStream out = res.outputStream()) {
                for (int i = 0; i < 20_000; i++) {
                    out.write(event);
                    out.flush();
                }
            } catch (IOException | RuntimeException e) {
                closed.countDown(); // the gateway closed the upstream connection
            }
        };
    }

    private static void writeEvent(OutputStream out, String payload) throws IOException {
        out.write(("data: " + payload + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
