package dev.ccrouter.server;

import static dev.ccrouter.testing.MisbehavingUpstream.chunk;
import static dev.ccrouter.testing.MisbehavingUpstream.head;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.MisbehavingUpstream;
import dev.ccrouter.testing.RawClient;
import dev.ccrouter.testing.RawResponse;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Once the upstream's stream has finished ({@code [DONE]}, message_stop sent), the client's response ends: waiting for
 * the upstream's chunked terminator, to keep its connection, must not hold the client for the read timeout. Apart from
 * {@link UpstreamFaultsTest}, whose upstream and stream it shares, because its read timeout must be long (5 s against
 * that class's 1 s) to tell an answer held until the timeout from one sent at once without a tight deadline.
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

    /**
     * The stream's answer, and the next request on the same connection, are both answered at once: neither waits
     * for the upstream's withheld last chunk (the read timeout).
     */
    @Test
    void aFinishedStreamEndsForTheClientThoughTheUpstreamHoldsBackItsTerminator() {
        upstream.behave((socket, out) -> {
            out.write(head(200, "content-type", "text/event-stream", "transfer-encoding", "chunked"));
            out.write(chunk(TRANSCRIPT));
            out.flush();
            upstream.stall(); // the last chunk (0\r\n\r\n) never comes; the connection stays open
        });

        try (RawClient client = RawClient.connect(gateway.port())) {
            client.send("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\n"
                    + "content-type: application/json\r\ncontent-length: " + STREAM.length() + "\r\n\r\n" + STREAM);
            RawResponse answer = client.readResponse(Duration.ofSeconds(2)); // fails when the read timeout held it
            assertThat(SseCapture.eventNames(answer.text())).endsWith("message_stop");

            client.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            assertThat(client.readResponse(Duration.ofSeconds(2)).status()).isEqualTo(200);
        }
    }

}
