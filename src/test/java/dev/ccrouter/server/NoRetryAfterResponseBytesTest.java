package dev.ccrouter.server;

import static dev.ccrouter.testing.MisbehavingUpstream.head;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.MisbehavingUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The one retry on a fresh connection is for a request no response byte answered (design.md: "one retry on a fresh
 * connection before any response byte"). An upstream that has begun its answer has taken the POST, and may be
 * generating (and billing) it: posting it again bills the user twice.
 */
class NoRetryAfterResponseBytesTest {
    private static final String WHOLE = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String OK = "{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},"
            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}";

    static MisbehavingUpstream upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = MisbehavingUpstream.start();
        gateway = RunningGateway.start(upstream.baseUrl(), config -> config.withReadTimeout(Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void aResponseHeadCutShortIsNotPostedAgain() throws Exception {
        upstream.behave((socket, out) -> {
            out.write("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.close();
        });
        int before = upstream.requests();

        HttpResponse<String> response = post();

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(upstream.requests() - before).as("POSTs the upstream received for one client request").isEqualTo(1);
    }

    @Test
    void aResponseWithAnUnreadableContentLengthIsNotPostedAgain() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "application/json", "content-length", "12 34"));
            out.write(OK.getBytes(StandardCharsets.UTF_8));
            out.flush();
            socket.close();
        });
        int before = upstream.requests();

        HttpResponse<String> response = post();

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(upstream.requests() - before).as("POSTs the upstream received for one client request").isEqualTo(1);
    }

    @Test
    void bytesLeftOverFromOneAnswerDoNotGetTheNextRequestPostedTwice() throws Exception {
        // The first answer sends two bytes past its Content-Length; the connection goes back to the pool with them.
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "application/json",
                    "content-length", Integer.toString(OK.length())));
            out.write((OK + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        });
        assertThat(post().statusCode()).isEqualTo(200);
        int before = upstream.requests();

        assertThat(post().statusCode()).isEqualTo(200);
        assertThat(upstream.requests() - before).as("POSTs the upstream received for one client request").isEqualTo(1);
    }

    private static HttpResponse<String> post() throws Exception {
        return SseCapture.post(gateway.baseUrl() + "/v1/messages", WHOLE, "x-api-key", "sk-test");
    }
}
