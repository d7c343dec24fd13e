package dev.ccrouter.server;

import static dev.ccrouter.testing.MisbehavingUpstream.chunk;
import static dev.ccrouter.testing.MisbehavingUpstream.head;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.MisbehavingUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Once the upstream's stream has finished ({@code [DONE]}, message_stop sent), the client's response ends: waiting for
 * the upstream's chunked terminator, to keep its connection, must not hold the client for the read timeout.
 */
class StreamEndAfterDoneTest {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /** The stream request and the complete transcript the upstream faults are cut from. */
    private static final String STREAM = UpstreamFaultsTest.STREAM;
    private static final String TRANSCRIPT = UpstreamFaultsTest.TRANSCRIPT;

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

    @Test
    void aFinishedStreamEndsForTheClientThoughTheUpstreamHoldsBackItsTerminator() throws Exception {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(TRANSCRIPT));
            out.flush();
            upstream.stall(); // the last chunk (0\r\n\r\n) never comes; the connection stays open
        });

        long start = System.nanoTime();
        HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", STREAM,
                "x-api-key", "sk-test");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(SseCapture.eventNames(response.body())).endsWith("message_stop");
        assertThat(took).as("the client's response ended only after the upstream's read timeout")
                .isLessThan(Duration.ofSeconds(2));
    }
}
