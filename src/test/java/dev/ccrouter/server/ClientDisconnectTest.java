package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A client that goes away must stop the upstream call: at most providers that is what stops generation and billing. */
class ClientDisconnectTest {

    @Test
    void closingTheClientConnectionCancelsTheUpstreamWithinASecond() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(); RunningGateway gateway = RunningGateway.start(upstream)) {
            CountDownLatch cancelled = new CountDownLatch(1);
            upstream.answer(FakeUpstream.streamUntilCancelled(cancelled,
                    "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Thinking about it\"}}]}"));
            String body = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: sk-test\r\n"
                        + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                readUntil(socket.getInputStream(), "Thinking about it");
            }
            long closedAt = System.nanoTime();
            assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("upstream cancelled").isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt)).isLessThan(1000);
        }
    }

    /** Reads a response until {@code marker} has come (a client reading a stream until it leaves). */
    static void readUntil(InputStream in, String marker) throws Exception {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!seen.toString().contains(marker)) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new AssertionError("connection ended before '" + marker + "': " + seen);
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
    }
}
