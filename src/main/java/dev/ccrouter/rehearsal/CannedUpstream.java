package dev.ccrouter.rehearsal;

import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.HttpServer;
import dev.ccrouter.http.Routing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenAI-compatible upstream on 127.0.0.1 that answers every chat completion at once from memory: a JSON
 * completion when asked for JSON, otherwise a stream that is in turn a short answer or a tool call (Claude Code's two
 * kinds of turn), usage last. It reads and discards each request body, like a real upstream, and serves a small model
 * catalog at {@code /v1/models} for the gateway's price catalog.
 */
public final class CannedUpstream {
    private static final byte[] TEXT_STREAM = ("""
            data: {"id":"gen-1","model":"anthropic/claude-sonnet-4.6","choices":[{"index":0,"delta":{"role":"assistant","content":"All"}}]}

            data: {"id":"gen-1","choices":[{"index":0,"delta":{"content":" 12 tests pass."}}]}

            data: {"id":"gen-1","choices":[{"index":0,"delta":{"content":" Nothing to fix."},"finish_reason":"stop"}]}

            data: {"id":"gen-1","choices":[],"usage":{"prompt_tokens":20000,"completion_tokens":9,"cost":0.0012,"prompt_tokens_details":{"cached_tokens":19000,"cache_write_tokens":800}}}

            data: [DONE]

            """).getBytes(StandardCharsets.UTF_8);
    private static final byte[] TOOL_STREAM = ("""
            data: {"id":"gen-2","model":"anthropic/claude-sonnet-4.6","choices":[{"index":0,"delta":{"role":"assistant","content":"Running the tests."}}]}

            data: {"id":"gen-2","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"toolu_1","type":"function","function":{"name":"Bash","arguments":""}}]}}]}

            data: {"id":"gen-2","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"command\\": \\"mvn -q test\\"}"}}]}}]}

            data: {"id":"gen-2","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

            data: {"id":"gen-2","choices":[],"usage":{"prompt_tokens":20000,"completion_tokens":30,"prompt_tokens_details":{"cached_tokens":19000}}}

            data: [DONE]

            """).getBytes(StandardCharsets.UTF_8);
    private static final byte[] COMPLETION = """
            {"id":"gen-3","object":"chat.completion","model":"anthropic/claude-haiku-4.5","choices":[{"index":0,
            "finish_reason":"stop","message":{"role":"assistant","content":"Fix failing tests"}}],
            "usage":{"prompt_tokens":300,"completion_tokens":4,"cost":0.00032}}
            """.getBytes(StandardCharsets.UTF_8);

    /** OpenRouter's catalog as the gateway bundles it (three models), for the price catalog's first fetch. */
    private static final byte[] CATALOG = catalog();

    private CannedUpstream() {
    }

    private static byte[] catalog() {
        try (InputStream in = CannedUpstream.class.getResourceAsStream("/ccrouter/pricing-snapshot.json")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static HttpServer start() {
        AtomicLong streams = new AtomicLong();
        return HttpServer.builder().host("127.0.0.1").port(0)
                .routing(Routing.builder().post("/v1/chat/completions", (req, res) -> {
                    try (InputStream in = req.body()) {
                        in.transferTo(OutputStream.nullOutputStream());
                    }
                    boolean stream = req.headers().first(HeaderNames.ACCEPT).orElse("").contains("text/event-stream");
                    if (stream) {
                        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
                        try (OutputStream out = res.outputStream()) {
                            out.write(streams.incrementAndGet() % 2 == 0 ? TEXT_STREAM : TOOL_STREAM);
                        }
                    } else {
                        res.header(HeaderNames.CONTENT_TYPE, "application/json");
                        res.send(COMPLETION);
                    }
                }).get("/v1/models", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(CATALOG);
                }).build())
                .build().start();
    }
}
