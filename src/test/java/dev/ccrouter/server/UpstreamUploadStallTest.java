package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.RunningGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An upstream that accepts the connection and then stops reading (a wedged provider, a proxy whose own upstream
 * hung) must not hold a request whose body it never takes: once the gateway's write has made no progress for the
 * read timeout, the request fails as a silent answer does, with a 504 {@code timeout_error}, instead of waiting for as
 * long as the client does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamUploadStallTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(1);
    /**
     * An image larger than the gateway's socket send buffer (up to 4 MB on Linux) and the upstream's tiny receive
     * buffer (an image, since a text this long is refused as longer than the model's context window).
     */
    private static final int IMAGE_BASE64_CHARS = 12_000_000;

    @Test
    void aBodyTheUpstreamStopsTakingFailsAsA504AfterTheReadTimeoutNotWhenTheClientGivesUp() throws Exception {
        try (ServerSocket upstream = new ServerSocket()) {
            upstream.setReceiveBufferSize(4096); // before bind: the accepted connection's window stays small
            upstream.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> acceptAndNeverRead(upstream));
            String baseUrl = "http://127.0.0.1:" + upstream.getLocalPort() + "/v1";
            try (RunningGateway gateway = RunningGateway.start(baseUrl, config -> config.withReadTimeout(READ_TIMEOUT))) {
                long start = System.nanoTime();
                HttpResponse<String> response = post(gateway, "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{"
                        + "\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"" + "A".repeat(IMAGE_BASE64_CHARS)
                        + "\"}},{\"type\":\"text\",\"text\":\"What is this?\"}]}]}");
                Duration took = Duration.ofNanos(System.nanoTime() - start);

                assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
                JsonNode error = JSON.readTree(response.body()).path("error");
                assertThat(error.path("type").asText()).isEqualTo("timeout_error");
                assertThat(error.path("message").asText())
                        .isEqualTo("The upstream at " + baseUrl + "/chat/completions did not answer in time.");
                assertThat(took).as("the read timeout and the body's way in, not the client's own 30 s")
                        .isLessThan(Duration.ofSeconds(15));
            } finally {
                accepted.get(5, TimeUnit.SECONDS).close();
            }
        }
    }

    private static Socket acceptAndNeverRead(ServerSocket upstream) {
        try {
            return upstream.accept();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpResponse<String> post(RunningGateway gateway, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                .timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json")
                .header("x-api-key", "sk-test")
                .header("anthropic-version", "2023-06-01")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try (HttpClient client = HttpClient.newHttpClient()) {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }
}
