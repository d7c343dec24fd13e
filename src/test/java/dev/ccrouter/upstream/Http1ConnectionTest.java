package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection's buffers are small; requests and responses larger than them must still pass whole. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class Http1ConnectionTest {

    @Test
    void aRequestThatFitsOneWriteArrivesWhole() throws Exception {
        byte[] head = head(100);
        byte[] body = bytes(Http1Connection.ONE_WRITE_BYTES - head.length, 'a');
        assertThat(sent(head, body)).isEqualTo(concat(head, body));
    }

    @Test
    void aRequestLargerThanOneWriteArrivesWholeAndInOrder() throws Exception {
        byte[] head = head(100);
        byte[] body = bytes(Http1Connection.ONE_WRITE_BYTES - head.length + 1, 'b');
        byte[] large = bytes(300_000, 'c');
        assertThat(sent(head, body)).isEqualTo(concat(head, body));
        assertThat(sent(head, large)).isEqualTo(concat(head, large));
    }

    @Test
    void aHeadAloneLargerThanOneWriteArrivesWhole() throws Exception {
        byte[] head = head(Http1Connection.ONE_WRITE_BYTES + 500);
        assertThat(sent(head, new byte[0])).isEqualTo(head);
    }

    @Test
    void aResponseHeadLongerThanTheReadBufferIsParsedAndItsChunkedBodyFollows() throws Exception {
        String cookie = "x".repeat(Http1Connection.READ_BUFFER_BYTES * 3);
        String response = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nset-cookie: " + cookie + "\r\n"
                + "transfer-encoding: chunked\r\n\r\n"
                + "7\r\ndata: 1\r\n" + "1\r\n\n\r\n" + "0\r\n\r\n";
        byte[] body = new byte[0];
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> answer(server, head(0).length,
                    in -> response.getBytes(StandardCharsets.ISO_8859_1)));
            try (Http1Connection connection = open(server)) {
                connection.send(head(0), body);
                ResponseHead parsed = connection.readHead();
                assertThat(parsed.status()).isEqualTo(200);
                assertThat(parsed.header("set-cookie")).isEqualTo(cookie);
                ResponseBody content = new ResponseBody(connection, parsed, released -> { });
                assertThat(new String(content.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("data: 1\n");
                assertThat(content.ended()).isTrue();
            }
            answered.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTlsHandshakeTheServerNeverAnswersFailsWithinTheConnectTimeoutNotTheReadTimeout() throws Exception {
        Duration connectTimeout = Duration.ofMillis(500);
        Duration readTimeout = Duration.ofSeconds(8);
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.accept(); // takes the connection, and never says a word of TLS
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long start = System.nanoTime();
            assertThatThrownBy(() -> Http1Connection.open(
                    new Http1Connection.Endpoint(true, "127.0.0.1", server.getLocalPort()), connectTimeout,
                    (SSLSocketFactory) SSLSocketFactory.getDefault(), new Cancellation(),
                    new SilenceWatch(UpstreamClient.PATIENCE, readTimeout, System::nanoTime)).close())
                    .isInstanceOf(SocketTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(readTimeout.dividedBy(2));
            accepted.get(5, TimeUnit.SECONDS).close();
        }
    }

    /** What a server receives when a request with this head and body is sent. */
    private static byte[] sent(byte[] head, byte[] body) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(
                    () -> answer(server, head.length + body.length, request -> new byte[0]));
            try (Http1Connection connection = open(server)) {
                connection.send(head, body);
                return received.get(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Accepts one connection, reads {@code length} bytes and writes back what {@code reply} makes of them. */
    private static byte[] answer(ServerSocket server, int length, Function<byte[], byte[]> reply) {
        try (Socket socket = server.accept()) {
            InputStream in = socket.getInputStream();
            byte[] request = in.readNBytes(length);
            socket.getOutputStream().write(reply.apply(request));
            socket.getOutputStream().flush();
            return request;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Http1Connection open(ServerSocket server) throws IOException {
        return Http1Connection.open(new Http1Connection.Endpoint(false, "127.0.0.1", server.getLocalPort()),
                Duration.ofSeconds(2), null, new Cancellation(),
                new SilenceWatch(UpstreamClient.PATIENCE, Duration.ofSeconds(5), System::nanoTime));
    }

    /** A request head of at least {@code padding} bytes. */
    private static byte[] head(int padding) {
        return ("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + "p".repeat(padding) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(int length, char fill) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) fill);
        return bytes;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }
}
