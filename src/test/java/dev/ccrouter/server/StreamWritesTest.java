package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RunningGateway;
import io.helidon.http.HeaderNames;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * How a translated stream reaches the client: what one read from the upstream brought leaves in one write, before the
 * gateway reads (and maybe waits for) more, so nothing translated waits in the gateway; an answer that arrived in one
 * read leaves in one write, head and end included (then framed by a {@code Content-Length}).
 */
class StreamWritesTest {
    private static final String REQUEST = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,\"stream\":true,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String FIRST = "{\"id\":\"gen-w\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":\"Hello\"}}]}";
    private static final String REST = "data: {\"id\":\"gen-w\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"},"
            + "\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"id\":\"gen-w\",\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":2}}\n\n"
            + "data: [DONE]\n\n";
    private static final List<String> EVENTS = List.of("message_start", "content_block_start", "content_block_delta",
            "content_block_delta", "content_block_stop", "message_delta", "message_stop");

    @Test
    void anAnswerThatArrivesInOneReadLeavesInOneWriteWithItsLength() {
        try (FakeUpstream upstream = FakeUpstream.start(); RunningGateway gateway = RunningGateway.start(upstream);
             RawClient client = RawClient.connect(gateway.port())) {
            upstream.answer(FakeUpstream.raw("data: " + FIRST + "\n\n" + REST));
            String response = client.send(request()).readUntilClosed(Duration.ofSeconds(10));

            String head = response.substring(0, response.indexOf("\r\n\r\n")).toLowerCase();
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            assertThat(head).startsWith("http/1.1 200").doesNotContain("transfer-encoding")
                    .contains("content-length: " + body.getBytes(StandardCharsets.UTF_8).length)
                    .contains("\r\ncontent-type: text/event-stream; charset=utf-8\r\n", "\r\ncache-control: no-cache\r\n",
                            "\r\nx-accel-buffering: no\r\n");
            assertThat(eventNames(body)).isEqualTo(EVENTS);
            assertThat(body).contains("\"text\":\"Hello\"", "\"text\":\" world\"")
                    .containsPattern("event: message_stop\n.*\n\n: ccrouter-billing \\{.*\\}\n\n$");
        }
    }

    @Test
    void whatOneReadBroughtReachesTheClientBeforeTheGatewayWaitsForMore() throws Exception {
        CountDownLatch seen = new CountDownLatch(1);
        try (FakeUpstream upstream = FakeUpstream.start(); RunningGateway gateway = RunningGateway.start(upstream);
             RawClient client = RawClient.connect(gateway.port())) {
            upstream.answer((request, res) -> {
                res.header(HeaderNames.CONTENT_TYPE, "Text/Event-Stream; charset=UTF-8"); // a media type in any case
                try (OutputStream out = res.outputStream()) {
                    out.write(("data: " + FIRST + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    seen.await(20, TimeUnit.SECONDS); // the rest only once the client has the first delta
                    out.write(REST.getBytes(StandardCharsets.UTF_8));
                }
            });
            String first = client.send(request()).readUntil("\"text\":\"Hello\"}}\n\n", Duration.ofSeconds(10));
            seen.countDown();
            String rest = client.readUntilClosed(Duration.ofSeconds(10));

            assertThat(first.toLowerCase()).contains("transfer-encoding: chunked");
            assertThat(eventNames(first)).isEqualTo(EVENTS.subList(0, 3));
            assertThat(eventNames(rest)).isEqualTo(EVENTS.subList(3, EVENTS.size()));
        }
    }

    private static String request() {
        return "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\nConnection: close\r\n"
                + "content-type: application/json\r\ncontent-length: " + REQUEST.length() + "\r\n\r\n" + REQUEST;
    }

    private static List<String> eventNames(String body) {
        Matcher event = Pattern.compile("(?m)^event: (\\w+)$").matcher(body);
        return event.results().map(match -> match.group(1)).toList();
    }
}
