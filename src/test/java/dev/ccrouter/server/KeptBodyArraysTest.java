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
import java.util.HashMap;
import java.util.Map;
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
        Map<String, Long> counts = new HashMap<>(); // a text's count the first time, for its later turns
        for (int turn = 0; turn < 6; turn++) {
            String text = texts[turn % texts.length];
            boolean stream = turn % 2 == 1;
            upstream.answer(stream
                    ? FakeUpstream.sse(MessagesEndpointTest.chunk("{\"content\":\"ok\"}"),
                            MessagesEndpointTest.finish("stop"), MessagesEndpointTest.usage(9000, 1), "[DONE]")
                    : FakeUpstream.json(200, ANSWER));
            String body = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,\"stream\":" + stream
                    + ",\"tools\":" + TOOLS
                    + ",\"messages\":[{\"role\":\"user\",\"content\":" + JSON.writeValueAsString(text) + "}]}";
            assertThat(body.length()).isGreaterThan(16 * 1024); // large enough for its array to be kept

            HttpResponse<String> counted = post("/v1/messages/count_tokens", body); // its array given back too
            HttpResponse<String> response = post("/v1/messages", body);

            assertThat(counted.statusCode()).isEqualTo(200);
            long tokens = JSON.readTree(counted.body()).path("input_tokens").asLong();
            assertThat(tokens).as("turn %d", turn).isEqualTo(counts.computeIfAbsent(text, t -> tokens)).isPositive();
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
        assertThat(counts.values()).doesNotHaveDuplicates();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                        .header("content-type", "application/json").header("x-api-key", "sk-test")
                        .header("anthropic-version", "2023-06-01")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
