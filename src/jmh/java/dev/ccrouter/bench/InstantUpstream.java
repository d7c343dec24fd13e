package dev.ccrouter.bench;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An upstream that answers every chat completion at once with the same short stream (or JSON body), reading and
 * discarding the request: the baseline against which the gateway's own cost is measured.
 * {@code java -cp … dev.ccrouter.bench.InstantUpstream 18080}
 */
public final class InstantUpstream {
    static final byte[] STREAM = ("""
            data: {"id":"gen-1","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"}}]}

            data: {"id":"gen-1","choices":[{"index":0,"delta":{"content":" there."},"finish_reason":"stop"}]}

            data: {"id":"gen-1","choices":[],"usage":{"prompt_tokens":20000,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":19000}}}

            data: [DONE]

            """).getBytes(StandardCharsets.UTF_8);
    static final byte[] WHOLE = """
            {"id":"gen-1","object":"chat.completion","choices":[{"index":0,"finish_reason":"stop",
            "message":{"role":"assistant","content":"Hi there."}}],"usage":{"prompt_tokens":20000,"completion_tokens":3}}
            """.getBytes(StandardCharsets.UTF_8);

    private InstantUpstream() {
    }

    public static WebServer start(int port) {
        return WebServer.builder().host("127.0.0.1").port(port)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .routing(r -> r.post("/v1/chat/completions", (req, res) -> {
                    byte[] body;
                    try (InputStream in = req.content().inputStream()) {
                        body = in.readAllBytes();
                    }
                    boolean stream = new String(body, 0, Math.min(body.length, 200_000), StandardCharsets.ISO_8859_1)
                            .contains("\"stream\":true");
                    if (stream) {
                        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream");
                        try (OutputStream out = res.outputStream()) {
                            out.write(STREAM);
                        }
                    } else {
                        res.header(HeaderNames.CONTENT_TYPE, "application/json");
                        res.send(WHOLE);
                    }
                }))
                .build().start();
    }

    public static void main(String[] args) throws InterruptedException {
        WebServer server = start(args.length > 0 ? Integer.parseInt(args[0]) : 18080);
        System.out.println("instant upstream on http://127.0.0.1:" + server.port() + "/v1");
        Thread.currentThread().join();
    }
}
