package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Large request bodies are read into the arrays of former ones (upstream/BodyArrays), given back once their request is
 * over. The tests run with those arrays overwritten as they are given back (pom.xml), so anything of a request that
 * outlived it — a remembered tools array, a translation kept for the next turn — would show here as nonsense in the
 * next request's upstream body.
 */
class KeptBodyArraysTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOOLS = "[{\"name\":\"Bash\",\"description\":\"Runs a command.\\nQuote \\\"paths\\\".\","
            + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}}}}]";
    private static final String ANSWER_CHUNK = "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"},"
            + "\"finish_reason\":\"stop\"}]}";
    private static final String USAGE_CHUNK = "{\"id\":\"gen-1\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":9000,\"completion_tokens\":1}}";
    private static final String ANSWER = "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\","
            + "\"message\":{\"role\":\"assistant\",\"content\":\"ok\"}}],"
            + "\"usage\":{\"prompt_tokens\":9000,\"completion_tokens\":1}}";
    static FakeUpstream upstream;
    static RunningGateway gateway;
    static HttpClient client;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void eachOfLargeBodiesTakingTurnsReachesTheUpstreamAsItsOwn() throws Exception {
        // longer, shorter (read into the longer one's array), longer again; the same tools each time
        String[] texts = {"alpha\n".repeat(8_000), "beta \"b\"\n".repeat(3_000), "gamma\n".repeat(9_000)};
        for (int turn = 0; turn < 6; turn++) {
            String text = texts[turn % texts.length];
            boolean stream = turn % 2 == 1;
            upstream.answer(stream ? FakeUpstream.sse(ANSWER_CHUNK, USAGE_CHUNK, "[DONE]") : FakeUpstream.json(200, ANSWER));
            String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"stream\":" + stream
                    + ",\"tools\":" + TOOLS
                    + ",\"messages\":[{\"role\":\"user\",\"content\":" + JSON.writeValueAsString(text) + "}]}";
            assertThat(body.length()).isGreaterThan(16 * 1024); // large enough for its array to be kept

            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/messages"))
                            .header("content-type", "application/json").header("x-api-key", "sk-test")
                            .header("anthropic-version", "2023-06-01")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as("turn %d", turn).isEqualTo(200);
            assertThat(response.body()).contains("\"ok\"");
            JsonNode sent = upstream.lastRequest().body();
            JsonNode content = sent.at("/messages/0/content"); // a string, or parts when a cache marker is carried
            assertThat(content.isArray() ? content.at("/0/text").asText() : content.asText()).as("turn %d", turn)
                    .isEqualTo(text);
            assertThat(sent.at("/tools/0/function/name").asText()).isEqualTo("Bash");
            assertThat(sent.at("/tools/0/function/description").asText()).isEqualTo("Runs a command.\nQuote \"paths\".");
            assertThat(sent.at("/tools/0/function/parameters/properties/command/type").asText()).isEqualTo("string");
        }
    }
}
