package dev.ccrouter.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A usage written straight to a generator is byte for byte its tree (which bills carry), as a Message carries it; a
 * message_delta's is the cumulative subset.
 */
class UsageTest {
    private final ObjectMapper json = new ObjectMapper();

    @ParameterizedTest(name = "thinking tokens {0}")
    @ValueSource(longs = {0, 120})
    void writtenIsTheTreeExactly(long thinkingTokens) throws IOException {
        Usage usage = new Usage(3, 250, 1_000, 19_000, 400, 600, thinkingTokens);

        assertThat(written(usage::write)).isEqualTo(JsonTrees.plainText(json.getFactory(), usage.toJson()))
                .isEqualTo("{\"input_tokens\":3,\"cache_creation_input_tokens\":1000,\"cache_read_input_tokens\":19000,"
                        + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":400,\"ephemeral_1h_input_tokens\":600},"
                        + "\"output_tokens\":250,\"output_tokens_details\":" + details(thinkingTokens)
                        + ",\"server_tool_use\":null,\"service_tier\":\"standard\",\"inference_geo\":null}");
        assertThat(written(usage::writeDelta)).isEqualTo("{\"input_tokens\":3,\"cache_creation_input_tokens\":1000,\"cache_read_input_tokens\":19000,"
                        + "\"output_tokens\":250,\"output_tokens_details\":" + details(thinkingTokens)
                        + ",\"server_tool_use\":null}");
    }

    @ParameterizedTest(name = "web searches {0}")
    @ValueSource(longs = {0, 2})
    void webSearchesAreShownAsAnthropicShowsThemInBothForms(long searches) throws IOException {
        Usage usage = new Usage(3, 250, 0, 0, 0, 0, 0, searches);
        String serverToolUse = searches > 0 ? "{\"web_search_requests\":2,\"web_fetch_requests\":0}" : "null";

        assertThat(written(usage::write)).isEqualTo(JsonTrees.plainText(json.getFactory(), usage.toJson()))
                .contains(",\"server_tool_use\":" + serverToolUse + ",\"service_tier\"");
        assertThat(written(usage::writeDelta)).endsWith(",\"server_tool_use\":" + serverToolUse + "}");
    }

    private static String details(long thinkingTokens) {
        return thinkingTokens > 0 ? "{\"thinking_tokens\":" + thinkingTokens + "}" : "null";
    }

    private String written(Writer writer) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = json.getFactory().createGenerator(bytes)) {
            writer.write(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @FunctionalInterface
    private interface Writer {
        void write(JsonGenerator out) throws IOException;
    }
}
