package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.VerbatimTrees;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenEstimatorTest {
    private final TokenEstimator estimator = new TokenEstimator();

    @Test
    void countsEveryKindOfContentByTheDocumentedFormula() {
        long tokens = estimator.estimate(parse("""
                {"model": "m", "max_tokens": 100,
                 "system": "You are helpful.",
                 "messages": [
                   {"role": "user", "content": "Hello, world!"},
                   {"role": "assistant", "content": [
                     {"type": "thinking", "thinking": "abcdefgh", "signature": "not counted"},
                     {"type": "redacted_thinking", "data": "not counted either"},
                     {"type": "text", "text": "Hi"},
                     {"type": "tool_use", "id": "toolu_1", "name": "Read", "input": {"path": "/a"}}]},
                   {"role": "user", "content": [
                     {"type": "tool_result", "tool_use_id": "toolu_1", "content": "file text"},
                     {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}}]}],
                 "tools": [{"name": "Read", "description": "Reads.", "input_schema": {"type": "object"}}]}"""));

        long system = 3 + 4;                              // "You are helpful." = 16 bytes
        long user = 3 + 4;                                // "Hello, world!" = 13 bytes
        long assistant = 3 + 2 + 1 + (4 + 5);             // thinking 8 bytes, "Hi", tool_use: Read + {"path":"/a"} = 17 bytes
        long toolTurn = 3 + (4 + 3) + 1600;               // tool_result "file text" = 9 bytes, one image
        long tools = 346 + 6 + 7;                         // Read + Reads. + {"type":"object"} = 27 bytes
        assertThat(tokens).isEqualTo(system + user + assistant + toolTurn + tools).isEqualTo(1998);
    }

    @Test
    void countsSystemBlocksDocumentsAndSearchResults() {
        long tokens = estimator.estimate(parse("""
                {"system": [{"type": "text", "text": "abcd"}, {"type": "text", "text": "abcde"}],
                 "messages": [{"role": "user", "content": [
                   {"type": "document", "title": "T", "source": {"type": "text", "data": "abcdefg"}},
                   {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBER"}},
                   {"type": "document", "title": "Doc", "source": {"type": "content", "content": [{"type": "text", "text": "abcd"}]}},
                   {"type": "search_result", "title": "ab", "source": "cd", "content": [{"type": "text", "text": "abcdefgh"}]}]}]}"""));

        // system 3 + 1 + 2; message 3 + text doc 2 + pdf 1600 + content doc (1 + 1) + search result (1 + 2)
        assertThat(tokens).isEqualTo(6 + 3 + 2 + 1600 + 2 + 3);
    }

    @ParameterizedTest
    @CsvSource({"hello, 5", "héllo, 6", "你好, 6", "😀, 4", "'', 0"})
    void measuresUtf8Length(String text, long bytes) {
        assertThat(TokenEstimator.utf8Length(text)).isEqualTo(bytes);
    }

    @Test
    void measuresCompactJsonWithoutSerializing() {
        JsonNode node = parse("{\"a\": [1, true, null, \"é\"], \"b\": {}, \"c\": 2.5}");

        assertThat(TokenEstimator.jsonLength(node)).isEqualTo(node.toString().getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void countsWhatItUnderstandsInOddBodies() {
        assertThat(estimator.estimate(null)).isZero();
        assertThat(estimator.estimate(parse("[]"))).isZero();
        assertThat(estimator.estimate(parse("{\"messages\": \"hi\", \"system\": 7, \"tools\": {}}"))).isZero();
        assertThat(estimator.estimate(parse("""
                {"messages": [7, {"role": "user"}, {"role": "user", "content": 42},
                              {"role": "user", "content": [null, 3, {"type": 9}, {"type": "text", "text": 5}, {"type": "tool_use"}]}],
                 "tools": ["Bash", {"name": 1}]}""")))
                .isEqualTo(3 + 3 + 3 + 4 + 346 + 6 + 6);
    }

    @Test
    void estimatesTheClaudeCodeFirstRequestNearAQuarterOfItsSize() throws JsonProcessingException {
        JsonNode body = RequestFixtures.read("cc-first-request.anthropic.json");
        long compactBytes = RequestFixtures.JSON.writeValueAsBytes(body).length;

        long tokens = estimator.estimate(body);

        // Text is most of the body; JSON syntax, field names and opaque values (not counted) are the rest, so the
        // estimate sits a little under bytes/4 (the tool preamble's 346 tokens narrow the gap).
        assertThat(tokens).isBetween(compactBytes / 4 * 85 / 100, compactBytes / 4);
    }

    @Test
    void rememberedToolsCountAsTheyDidAndOtherToolsCountAfresh() throws Exception {
        VerbatimTrees reader = new VerbatimTrees(RequestFixtures.JSON.getFactory(), RequestFixtures.JSON.getNodeFactory());
        String tools = "[{\"name\":\"Bash\",\"description\":\"Runs a command.\",\"input_schema\":{\"type\":\"object\"}}]";
        byte[] body = ("{\"tools\":" + tools + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] otherTools = ("{\"tools\":" + tools.replace("Runs a command.", "Runs any command you like.")
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8);
        reader.read(body); // remembers the tools

        // 3 + 1 for the message; 346 + 6 + (4 + 15 + 17 bytes) / 4 = 9 for the tools
        assertThat(estimator.estimate(reader.read(body))).isEqualTo(4 + 346 + 6 + 9);
        assertThat(estimator.estimate(reader.read(body))).isEqualTo(4 + 346 + 6 + 9);
        assertThat(estimator.estimate(reader.read(otherTools))).isEqualTo(4 + 346 + 6 + 12); // 4 + 26 + 17 bytes
        assertThat(estimator.estimate(reader.read(body))).isEqualTo(estimator.estimate(RequestFixtures.JSON.readTree(body)));
    }

    private static JsonNode parse(String json) {
        try {
            return RequestFixtures.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
