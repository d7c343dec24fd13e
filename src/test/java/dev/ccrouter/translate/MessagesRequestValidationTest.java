package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per kind of invalid body, each pinning the exact client-facing message. */
class MessagesRequestValidationTest {
    private static final UpstreamTarget CACHING =
            new UpstreamTarget("claude", "anthropic/claude-sonnet-4.5", ModelCapabilities.CACHING);
    private static final UpstreamTarget PLAIN =
            new UpstreamTarget("claude", "deepseek/deepseek-chat", ModelCapabilities.PLAIN);

    private final MessagesRequestTranslator translator = new MessagesRequestTranslator(RequestFixtures.JSON);

    static Stream<Arguments> invalidBodies() {
        String unknownType = "Input should be 'text', 'image', 'document', 'search_result', 'tool_use', "
                + "'tool_result', 'thinking' or 'redacted_thinking'";
        String toolUse = """
                {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}]}""";
        return Stream.of(
                // top level
                arguments("[]", "body: Input should be a valid dictionary"),
                arguments(without("model"), "model: Field required"),
                arguments(with("model", "42"), "model: Input should be a valid string"),
                arguments(with("model", "\"\""), "model: String should have at least 1 character"),
                arguments(without("max_tokens"), "max_tokens: Field required"),
                arguments(with("max_tokens", "\"1024\""), "max_tokens: Input should be a valid integer"),
                arguments(with("max_tokens", "1.5"), "max_tokens: Input should be a valid integer"),
                arguments(with("max_tokens", "-1"), "max_tokens: Input should be greater than or equal to 0"),
                arguments(without("messages"), "messages: Field required"),
                arguments(with("messages", "{}"), "messages: Input should be a valid list"),
                arguments(with("messages", "[]"), "messages: List should have at least 1 item after validation, not 0"),
                arguments(with("stream", "\"true\""), "stream: Input should be a valid boolean"),
                arguments(with("temperature", "\"hot\""), "temperature: Input should be a valid number"),
                arguments(with("temperature", "1.5"), "temperature: Input should be less than or equal to 1"),
                arguments(with("temperature", "-0.1"), "temperature: Input should be greater than or equal to 0"),
                // written as the client wrote it: a tree would write the infinity it reads as the string "Infinity"
                arguments(VALID.replace("{\"model\"", "{\"temperature\": 1e999999999, \"model\""),
                        "temperature: Input should be less than or equal to 1"),
                arguments(with("top_p", "[]"), "top_p: Input should be a valid number"),
                arguments(with("top_p", "2"), "top_p: Input should be less than or equal to 1"),
                arguments(with("top_k", "1.5"), "top_k: Input should be a valid integer"),
                arguments(with("stop_sequences", "\"STOP\""), "stop_sequences: Input should be a valid list"),
                arguments(with("stop_sequences", "[\"a\", 1]"), "stop_sequences.1: Input should be a valid string"),
                arguments(with("metadata", "\"u\""), "metadata: Input should be a valid dictionary"),
                arguments(with("metadata", "{\"user_id\": 42}"), "metadata.user_id: Input should be a valid string"),
                arguments(with("cache_control", "{\"type\": \"ephemeral\", \"ttl\": \"10m\"}"),
                        "cache_control.ttl: Input should be '5m' or '1h'"),
                // system
                arguments(with("system", "42"), "system: Input should be a valid string or a valid list"),
                arguments(with("system", "[{\"type\": \"text\", \"text\": \"a\"}, {\"type\": \"image\"}]"),
                        "system.1.type: Input should be 'text'"),
                arguments(with("system", "[{\"type\": \"text\"}]"), "system.0.text: Field required"),
                // messages
                arguments(messages("\"hi\""), "messages.0: Input should be a valid dictionary"),
                arguments(messages("{\"content\": \"hi\"}"), "messages.0.role: Field required"),
                arguments(messages("{\"role\": \"tool\", \"content\": \"hi\"}"),
                        "messages.0.role: Input should be 'user', 'assistant' or 'system'"),
                arguments(messages("{\"role\": \"user\"}"), "messages.0.content: Field required"),
                arguments(messages("{\"role\": \"user\", \"content\": 42}"),
                        "messages.0.content: Input should be a valid string or a valid list"),
                arguments(userBlocks("\"hi\""), "messages.0.content.0: Input should be a valid dictionary"),
                arguments(userBlocks("{\"text\": \"hi\"}"), "messages.0.content.0.type: Field required"),
                arguments(messages("{\"role\": \"user\", \"content\": \"hi\"}",
                        "{\"role\": \"assistant\", \"content\": [{\"type\": \"video\"}]}"),
                        "messages.1.content.0.type: " + unknownType),
                arguments(userBlocks("{\"type\": \"video\"}"), "messages.0.content.0.type: " + unknownType),
                arguments(userBlocks("{\"type\": \"text\"}"), "messages.0.content.0.text: Field required"),
                arguments(userBlocks("{\"type\": \"text\", \"text\": [\"a\"]}"),
                        "messages.0.content.0.text: Input should be a valid string"),
                arguments(userBlocks("{\"type\": \"text\", \"text\": \"a\", \"cache_control\": \"yes\"}"),
                        "messages.0.content.0.cache_control: Input should be a valid dictionary"),
                arguments(userBlocks("{\"type\": \"text\", \"text\": \"a\", \"cache_control\": {\"type\": \"persistent\"}}"),
                        "messages.0.content.0.cache_control.type: Input should be 'ephemeral'"),
                arguments(userBlocks("{\"type\": \"image\"}"), "messages.0.content.0.source: Field required"),
                arguments(userBlocks("{\"type\": \"image\", \"source\": {\"type\": \"file\", \"file_id\": \"file_1\"}}"),
                        "messages.0.content.0.source.type: Input should be 'base64' or 'url'"),
                arguments(userBlocks("{\"type\": \"image\", \"source\": {\"type\": \"base64\", \"media_type\": \"image/png\"}}"),
                        "messages.0.content.0.source.data: Field required"),
                arguments(userBlocks("{\"type\": \"document\", \"source\": {\"type\": \"file\", \"file_id\": \"file_1\"}}"),
                        "messages.0.content.0.source.type: Input should be 'base64', 'text', 'content' or 'url'"),
                arguments(userBlocks("{\"type\": \"document\", \"source\": {\"type\": \"content\", \"content\": [{\"type\": \"video\"}]}}"),
                        "messages.0.content.0.source.content.0.type: Input should be 'text' or 'image'"),
                arguments(userBlocks("{\"type\": \"search_result\", \"source\": \"s\", \"content\": []}"),
                        "messages.0.content.0.title: Field required"),
                arguments(userBlocks("{\"type\": \"tool_use\", \"id\": \"t\", \"name\": \"n\", \"input\": {}}"),
                        "messages.0.content.0.type: 'tool_use' blocks are only allowed in assistant messages"),
                // consecutive user messages are one turn, but a problem is still named where it is
                arguments(messages("{\"role\": \"user\", \"content\": \"hi\"}",
                                "{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"a\"},"
                                        + " {\"type\": \"tool_use\", \"id\": \"t\", \"name\": \"n\", \"input\": {}}]}"),
                        "messages.1.content.1.type: 'tool_use' blocks are only allowed in assistant messages"),
                arguments(userBlocks("{\"type\": \"thinking\", \"thinking\": \"t\", \"signature\": \"s\"}"),
                        "messages.0.content.0.type: 'thinking' blocks are only allowed in assistant messages"),
                arguments(messages("{\"role\": \"assistant\", \"content\": [{\"type\": \"tool_result\", \"tool_use_id\": \"t\"}]}"),
                        "messages.0.content.0.type: 'tool_result' blocks are only allowed in user messages"),
                arguments(messages("{\"role\": \"assistant\", \"content\": [{\"type\": \"tool_use\", \"name\": \"Bash\", \"input\": {}}]}"),
                        "messages.0.content.0.id: Field required"),
                arguments(messages("{\"role\": \"assistant\", \"content\": [{\"type\": \"tool_use\", \"id\": \"t\", \"input\": {}}]}"),
                        "messages.0.content.0.name: Field required"),
                arguments(messages("{\"role\": \"assistant\", \"content\": [{\"type\": \"tool_use\", \"id\": \"t\", \"name\": \"Bash\", \"input\": \"ls\"}]}"),
                        "messages.0.content.0.input: Input should be a valid dictionary"),
                arguments(messages("{\"role\": \"assistant\", \"content\": [{\"type\": \"thinking\", \"signature\": \"s\"}]}"),
                        "messages.0.content.0.thinking: Field required"),
                arguments(messages("{\"role\": \"assistant\", \"content\": [{\"type\": \"redacted_thinking\"}]}"),
                        "messages.0.content.0.data: Field required"),
                arguments(messages(toolUse, "{\"role\": \"user\", \"content\": [{\"type\": \"tool_result\"}]}"),
                        "messages.1.content.0.tool_use_id: Field required"),
                arguments(messages(toolUse, "{\"role\": \"user\", \"content\": [{\"type\": \"tool_result\", \"tool_use_id\": \"toolu_1\", \"content\": 42}]}"),
                        "messages.1.content.0.content: Input should be a valid string or a valid list"),
                arguments(messages(toolUse, "{\"role\": \"user\", \"content\": [{\"type\": \"tool_result\", \"tool_use_id\": \"toolu_1\", \"content\": [{\"type\": \"text\", \"text\": \"ok\"}, {\"type\": \"video\"}]}]}"),
                        "messages.1.content.0.content.1.type: Input should be 'text', 'image', 'document', 'search_result' or 'tool_reference'"),
                arguments(messages(toolUse, "{\"role\": \"user\", \"content\": [{\"type\": \"tool_result\", \"tool_use_id\": \"toolu_1\", \"is_error\": \"yes\"}]}"),
                        "messages.1.content.0.is_error: Input should be a valid boolean"),
                arguments(messages("{\"role\": \"user\", \"content\": \"hi\"}",
                        "{\"role\": \"system\", \"content\": [{\"type\": \"image\", \"source\": {}}]}"),
                        "messages.1.content.0.type: Input should be 'text'"),
                // tools and tool_choice
                arguments(with("tools", "{}"), "tools: Input should be a valid list"),
                arguments(with("tools", "[\"Bash\"]"), "tools.0: Input should be a valid dictionary"),
                arguments(with("tools", "[{\"input_schema\": {}}]"), "tools.0.name: Field required"),
                arguments(with("tools", "[{\"name\": \"Bash\"}]"), "tools.0.input_schema: Field required"),
                arguments(with("tools", "[{\"name\": \"Bash\", \"input_schema\": \"object\"}]"),
                        "tools.0.input_schema: Input should be a valid dictionary"),
                arguments(with("tools", "[{\"name\": \"Bash\", \"description\": 7, \"input_schema\": {}}]"),
                        "tools.0.description: Input should be a valid string"),
                arguments(with("tools", "[{\"name\": \"Bash\", \"input_schema\": {}, \"defer_loading\": \"yes\"}]"),
                        "tools.0.defer_loading: Input should be a valid boolean"),
                arguments(with("tools", "[{\"name\": \"Bash\", \"input_schema\": 1, \"defer_loading\": true}]"),
                        "tools.0.input_schema: Input should be a valid dictionary"),
                // a deferred tool the conversation has not loaded is not sent, but the body is no less invalid
                arguments(with("tools", "[{\"name\": \"Bash\", \"input_schema\": {}, \"defer_loading\": true, "
                                + "\"cache_control\": {\"type\": \"persistent\"}}]"),
                        "tools.0.cache_control.type: Input should be 'ephemeral'"),
                arguments(with("tool_choice", "\"auto\""), "tool_choice: Input should be a valid dictionary"),
                arguments(with("tool_choice", "{\"type\": \"sometimes\"}"),
                        "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"),
                arguments(with("tool_choice", "{\"type\": \"tool\"}"), "tool_choice.name: Field required"),
                arguments(with("tool_choice", "{\"type\": \"any\", \"disable_parallel_tool_use\": 1}"),
                        "tool_choice.disable_parallel_tool_use: Input should be a valid boolean"),
                // thinking and output_config
                arguments(with("thinking", "true"), "thinking: Input should be a valid dictionary"),
                arguments(with("thinking", "{\"type\": \"on\"}"),
                        "thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'"),
                arguments(with("thinking", "{\"type\": \"enabled\"}"), "thinking.budget_tokens: Field required"),
                arguments(with("output_config", "{\"effort\": 3}"), "output_config.effort: Input should be a valid string"),
                arguments(with("output_config", "{\"format\": {\"type\": \"regex\"}}"),
                        "output_config.format.type: Input should be 'json_schema'"),
                arguments(with("output_config", "{\"format\": {\"type\": \"json_schema\"}}"),
                        "output_config.format.schema: Field required"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidBodies")
    void rejectsWithAnthropicStyleMessage(String body, String message) throws JsonProcessingException {
        JsonNode request = RequestFixtures.JSON.readTree(body);

        assertThatThrownBy(() -> translator.translate(request, CACHING, null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("invalidBodies")
    void rejectsTheSameWayOnEveryRoute(String body, String message) throws JsonProcessingException {
        JsonNode request = RequestFixtures.JSON.readTree(body);

        assertThatThrownBy(() -> translator.translate(request, PLAIN, null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage(message);
    }

    /** Each fault of a field count_tokens takes is told in the same words there. */
    @ParameterizedTest(name = "{1}")
    @MethodSource("countTokensFaults")
    void countTokensRefusesTheSameFaultsInTheSameWords(String body, String message) throws JsonProcessingException {
        JsonNode request = RequestFixtures.JSON.readTree(body);

        assertThatThrownBy(() -> MessagesRequestShape.checkCountTokens(request))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessage(message);
    }

    /** {@code max_tokens} and the other parameters of a generation are not count_tokens' fields: left alone. */
    @ParameterizedTest(name = "{1}")
    @MethodSource("generationFaults")
    void countTokensLeavesAGenerationsParametersAlone(String body, String message) throws JsonProcessingException {
        JsonNode request = RequestFixtures.JSON.readTree(body);

        assertThatCode(() -> MessagesRequestShape.checkCountTokens(request)).doesNotThrowAnyException();
    }

    static Stream<Arguments> countTokensFaults() {
        return invalidBodies().filter(fault -> !isGenerationFault(fault));
    }

    static Stream<Arguments> generationFaults() {
        return invalidBodies().filter(MessagesRequestValidationTest::isGenerationFault);
    }

    private static final Set<String> GENERATION_PARAMETERS =
            Set.of("max_tokens", "stream", "temperature", "top_p", "top_k", "stop_sequences", "metadata");

    /** Whether the case's message names a parameter only a generation takes. */
    private static boolean isGenerationFault(Arguments fault) {
        String path = ((String) fault.get()[1]).split(":")[0];
        return GENERATION_PARAMETERS.contains(path.split("\\.")[0]);
    }

    // ---- body builders --------------------------------------------------------------------------------------

    private static final String VALID = """
            {"model": "claude-sonnet-4-5", "max_tokens": 1024, "messages": [{"role": "user", "content": "hi"}]}""";

    private static String with(String field, String valueJson) {
        ObjectNode body = parse(VALID);
        body.set(field, parse(valueJson));
        return body.toString();
    }

    private static String without(String field) {
        ObjectNode body = parse(VALID);
        body.remove(field);
        return body.toString();
    }

    private static String messages(String... messagesJson) {
        return with("messages", "[" + String.join(",", messagesJson) + "]");
    }

    private static String userBlocks(String... blocksJson) {
        return messages("{\"role\": \"user\", \"content\": [" + String.join(",", blocksJson) + "]}");
    }

    @SuppressWarnings("unchecked")
    private static <T extends JsonNode> T parse(String json) {
        try {
            return (T) RequestFixtures.JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(json, e);
        }
    }
}
