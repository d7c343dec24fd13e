package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a stream relay leaves unread after the last event decides whether the connection goes back to the pool. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class UpstreamResponseTest {
    private static final String HEAD = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n";
    private static final String EVENT = "data: [DONE]\n\n";

    @Test
    void theChunkedTerminatorLeftAfterTheLastEventIsReadAndTheConnectionReleasedOnce() throws Exception {
        String chunked = HEAD + "transfer-encoding: chunked\r\n\r\n" + "e\r\n" + EVENT + "\r\n" + "0\r\n\r\n";
        Finished finished = finish(chunked, EVENT.length());
        assertThat(finished.released).containsExactly(finished.connection);
        assertThat(finished.response.body().read()).isEqualTo(-1);
    }

    @Test
    void aBodyThatEndedWithItsLastEventReleasesTheConnectionOnce() throws Exception {
        String declared = HEAD + "content-length: " + EVENT.length() + "\r\n\r\n" + EVENT;
        Finished finished = finish(declared, EVENT.length());
        assertThat(finished.released).containsExactly(finished.connection);
    }

    @Test
    void aFewBytesLeftOfADeclaredLengthAreReadAndTheConnectionReleased() throws Exception {
        String declared = HEAD + "content-length: " + (EVENT.length() + 300) + "\r\n\r\n" + EVENT + ":".repeat(299)
                + "\n";
        Finished finished = finish(declared, EVENT.length());
        assertThat(finished.released).containsExactly(finished.connection);
    }

    @Test
    void moreThanSixteenKilobytesLeftCloseTheConnectionInsteadOfReleasingIt() throws Exception {
        int left = 16 * 1024 + 1;
        String declared = HEAD + "content-length: " + (EVENT.length() + left) + "\r\n\r\n" + EVENT
                + ":".repeat(left - 1) + "\n";
        Finished finished = finish(declared, EVENT.length());
        assertThat(finished.released).isEmpty();
        assertThatThrownBy(() -> finished.response.body().read()).isInstanceOf(IOException.class)
                .hasMessage("the response was closed");
    }

    private record Finished(Http1Connection connection, UpstreamResponse response, List<Http1Connection> released) {
    }

    /** Reads {@code events} bytes of the body {@code response} sends, then {@link UpstreamResponse#finishReading}. */
    private static Finished finish(String response, int events) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            byte[] request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
                try (Socket socket = server.accept()) {
                    socket.getInputStream().readNBytes(request.length);
                    socket.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    socket.getInputStream().read(); // holds the connection open until the client closes it
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Http1Connection connection = Http1Connection.open(
                    new Http1Connection.Endpoint(false, "127.0.0.1", server.getLocalPort()),
                    Duration.ofSeconds(2), null, new Cancellation(),
                    new SilenceWatch(UpstreamClient.PATIENCE, Duration.ofSeconds(5), System::nanoTime));
            try {
                connection.send(request, new byte[0]);
                ResponseHead head = connection.readHead();
                List<Http1Connection> released = new ArrayList<>();
                UpstreamResponse upstream = new UpstreamResponse(head, new ResponseBody(connection, head, released::add));
                InputStream body = upstream.body();
                assertThat(new String(body.readNBytes(events), StandardCharsets.US_ASCII)).isEqualTo(EVENT);
                upstream.finishReading();
                return new Finished(connection, upstream, released);
            } finally {
                connection.close();
                answered.get(5, TimeUnit.SECONDS);
            }
        }
    }
}
