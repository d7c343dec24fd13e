package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.VerbatimTrees;
import dev.ccrouter.api.anthropic.WrittenArray;
import dev.ccrouter.rehearsal.ClaudeCodeBodies;
import dev.ccrouter.upstream.RequestBody;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Tools translated once per identical client bytes ({@link TranslatedTools}): the next request with the same
 * {@code tools} bytes gets the same upstream body, byte for byte, from the remembered translation; a request whose
 * tools differ by one byte, or that goes to a model with other capabilities, gets its own translation; and tools
 * carrying a cache marker, which {@link CacheMarkers#settle} may take off, are never shared.
 */
class TranslatedToolsTest {
    private static final VerbatimTrees VERBATIM = new VerbatimTrees(RequestFixtures.JSON.getFactory(),
            RequestFixtures.JSON.getNodeFactory());
    private static final UpstreamTarget PLAIN = new UpstreamTarget("openai/gpt-5", "openai/gpt-5", ModelCapabilities.PLAIN);
    private static final UpstreamTarget STRIPPING = new UpstreamTarget("google/gemini-3", "google/gemini-3",
            ModelCapabilities.PLAIN.withSchemaKeywordsToStrip(Set.of("$schema", "additionalProperties")));
    private static final UpstreamTarget CLAUDE = new UpstreamTarget("anthropic/claude-sonnet-5", "anthropic/claude-sonnet-5",
            ModelCapabilities.CACHING);

    private final MessagesRequestTranslator translator = new MessagesRequestTranslator(RequestFixtures.JSON);

    private ChatRequest translate(String client, UpstreamTarget target) throws Exception {
        return translator.translate(VERBATIM.read(client.getBytes(StandardCharsets.UTF_8)), target, "session-1");
    }

    private static String upstream(ChatRequest chat) {
        return new String(RequestBody.json(RequestFixtures.JSON, chat.body(), 0).toByteArray(), StandardCharsets.UTF_8);
    }

    /** The upstream body the old path made: Jackson's tree reader, every tool translated and written afresh. */
    private String afresh(String client, UpstreamTarget target) throws Exception {
        ChatRequest chat = new MessagesRequestTranslator(RequestFixtures.JSON)
                .translate(RequestFixtures.JSON.readTree(client), target, "session-1");
        return upstream(chat);
    }

    private static String request(String tools, String text) {
        return """
                {"model":"m","max_tokens":100,"tools":%s,"messages":[{"role":"user","content":"%s"}]}"""
                .formatted(tools, text);
    }

    private static final String TOOLS = """
            [{"name":"Bash","description":"Runs a command.\\nQuote paths.","input_schema":{"$schema":"https://json-schema.org/draft/2020-12/schema",\
            "type":"object","properties":{"command":{"type":"string"}},"required":["command"],"additionalProperties":false}},\
            {"name":"Read","description":"Reads a file.","input_schema":{"type":"object","properties":{"path":{"type":"string"}}}}]""";

    @Test
    void theSecondRequestWithTheSameToolsGetsTheRememberedOnesByteForByte() throws Exception {
        ChatRequest first = translate(request(TOOLS, "hello"), PLAIN);
        ChatRequest second = translate(request(TOOLS, "and now?"), PLAIN);

        assertThat(second.body().get("tools")).isInstanceOf(WrittenArray.class).isSameAs(first.body().get("tools"));
        assertThatThrownBy(() -> ((WrittenArray) second.body().get("tools")).add("a third"))
                .isInstanceOf(UnsupportedOperationException.class); // shared: its elements cannot be replaced
        assertThat(upstream(second)).isEqualTo(afresh(request(TOOLS, "and now?"), PLAIN));
        assertThat(upstream(second)).isEqualTo("{\"model\":\"openai/gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"and now?\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"Bash\",\"description\":\"Runs a command.\\nQuote paths.\","
                + "\"parameters\":{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                + "\"properties\":{\"command\":{\"type\":\"string\"}},\"required\":[\"command\"],\"additionalProperties\":false}}},"
                + "{\"type\":\"function\",\"function\":{\"name\":\"Read\",\"description\":\"Reads a file.\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}}}}}],\"max_tokens\":100,\"session_id\":\"session-1\"}");
    }

    @Test
    void toolsDifferingByOneByteAreTranslatedAfresh() throws Exception {
        String changed = TOOLS.replace("Reads a file.", "Reads a file!");
        ChatRequest first = translate(request(TOOLS, "hello"), PLAIN);
        ChatRequest second = translate(request(changed, "hello"), PLAIN);

        assertThat(second.body().get("tools")).isNotSameAs(first.body().get("tools"));
        assertThat(second.body().at("/tools/1/function/description").textValue()).isEqualTo("Reads a file!");
        assertThat(upstream(second)).isEqualTo(afresh(request(changed, "hello"), PLAIN));
        // and the first spelling, asked again, is translated again rather than served from a stale memory
        assertThat(upstream(translate(request(TOOLS, "hello"), PLAIN))).isEqualTo(afresh(request(TOOLS, "hello"), PLAIN));
    }

    @Test
    void theSameToolsForAModelWithOtherCapabilitiesAreTranslatedForIt() throws Exception {
        translate(request(TOOLS, "hello"), PLAIN);
        ChatRequest stripped = translate(request(TOOLS, "hello"), STRIPPING);
        ChatRequest plainAgain = translate(request(TOOLS, "hello"), PLAIN);

        assertThat(stripped.body().at("/tools/0/function/parameters").toString())
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}},\"required\":[\"command\"]}");
        assertThat(upstream(stripped)).isEqualTo(afresh(request(TOOLS, "hello"), STRIPPING));
        assertThat(upstream(plainAgain)).isEqualTo(afresh(request(TOOLS, "hello"), PLAIN));
    }

    @Test
    void aToolWithACacheMarkerIsNeverShared() throws Exception {
        // five breakpoints: settle takes the earliest, the tool's, off the upstream body
        String marked = TOOLS.replace("\"name\":\"Read\",", "\"name\":\"Read\",\"cache_control\":{\"type\":\"ephemeral\"},");
        String client = """
                {"model":"m","max_tokens":100,"tools":%s,"system":[
                  {"type":"text","text":"a","cache_control":{"type":"ephemeral"}},
                  {"type":"text","text":"b","cache_control":{"type":"ephemeral"}},
                  {"type":"text","text":"c","cache_control":{"type":"ephemeral"}},
                  {"type":"text","text":"d","cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":"hello"}]}""".formatted(marked);
        String unmarkedClient = client.replace(marked, TOOLS);

        ChatRequest first = translate(client, CLAUDE);
        ChatRequest second = translate(client, CLAUDE);

        assertThat(first.body().get("tools")).isNotInstanceOf(WrittenArray.class);
        assertThat(second.body().get("tools")).isNotSameAs(first.body().get("tools"));
        assertThat(upstream(second)).isEqualTo(upstream(first)).isEqualTo(afresh(client, CLAUDE))
                .doesNotContain("\"name\":\"Read\",\"cache_control\"");
        assertThat(upstream(second).split("cache_control", -1)).hasSize(5); // four breakpoints
        assertThat(upstream(translate(unmarkedClient, CLAUDE))).isEqualTo(afresh(unmarkedClient, CLAUDE));
    }

    @Test
    void aRememberedShortenedNameStillMapsBackAndCanBeChosen() throws Exception {
        String longName = "mcp__github__create_pull_request_with_a_name_far_longer_than_openai_allows";
        String tools = TOOLS.replace("\"name\":\"Read\"", "\"name\":\"" + longName + "\"");
        String client = request(tools, "hello").replace("\"max_tokens\":100,",
                "\"max_tokens\":100,\"tool_choice\":{\"type\":\"tool\",\"name\":\"" + longName + "\"},");

        translate(client, PLAIN);
        ChatRequest second = translate(client, PLAIN);

        String upstreamName = ToolNameMap.shorten(longName, ModelCapabilities.OPENAI_TOOL_NAME_LIMIT);
        assertThat(second.body().get("tools")).isInstanceOf(WrittenArray.class);
        assertThat(second.body().at("/tools/1/function/name").textValue()).isEqualTo(upstreamName);
        assertThat(second.body().at("/tool_choice/function/name").textValue()).isEqualTo(upstreamName);
        assertThat(second.toolNames().clientName(upstreamName)).isEqualTo(longName);
        assertThat(upstream(second)).isEqualTo(afresh(client, PLAIN));
    }

    @Test
    void aClaudeCodeBodyTranslatedTwiceGivesTheSameUpstreamBytes() throws Exception {
        byte[] client = RequestFixtures.JSON.writeValueAsBytes(ClaudeCodeBodies.toolRoundTrip("claude-sonnet-5", 80_000, true));
        JsonNode readTree = RequestFixtures.JSON.readTree(client);
        String expected = upstream(new MessagesRequestTranslator(RequestFixtures.JSON).translate(readTree, CLAUDE, "s"));

        ChatRequest first = translator.translate(VERBATIM.read(client), CLAUDE, "s");
        ChatRequest second = translator.translate(VERBATIM.read(client), CLAUDE, "s");

        assertThat(second.body().get("tools")).isSameAs(first.body().get("tools"));
        assertThat(second.body().get("tools")).hasSize(24);
        assertThat(upstream(first)).isEqualTo(expected);
        assertThat(upstream(second)).isEqualTo(expected);
    }

    @Test
    void twoToolSetsTakingTurnsAreBothRemembered() throws Exception {
        String subagentTools = TOOLS.substring(0, TOOLS.indexOf(",{\"name\":\"Read\"")) + "]";
        ChatRequest main = translate(request(TOOLS, "main"), PLAIN);
        ChatRequest subagent = translate(request(subagentTools, "subagent"), PLAIN);
        ChatRequest mainAgain = translate(request(TOOLS, "main again"), PLAIN);
        ChatRequest subagentAgain = translate(request(subagentTools, "subagent again"), PLAIN);

        assertThat(mainAgain.body().get("tools")).isSameAs(main.body().get("tools")).hasSize(2);
        assertThat(subagentAgain.body().get("tools")).isSameAs(subagent.body().get("tools")).hasSize(1);
        assertThat(upstream(subagentAgain)).isEqualTo(afresh(request(subagentTools, "subagent again"), PLAIN));
    }

    private static final String DEFERRED_TOOLS = """
            [{"name":"ToolSearch","description":"Loads deferred tools.","input_schema":{"type":"object"}},\
            {"name":"WebFetch","description":"Fetches a URL.","input_schema":{"type":"object"},"defer_loading":true},\
            {"name":"DeferredToolPlaceholder","description":"Never call this tool.","input_schema":{"type":"object"},\
            "defer_loading":true}]""";

    /** A conversation in which ToolSearch loaded WebFetch, or (without the reference) found nothing. */
    private static String searched(boolean found) {
        String result = found ? "[{\"type\":\"tool_reference\",\"tool_name\":\"WebFetch\"}]" : "\"No matching tools\"";
        return """
                {"model":"m","max_tokens":100,"tools":%s,"messages":[{"role":"user","content":"fetch it"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"ToolSearch","input":{"query":"select:WebFetch"}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":%s}]}]}"""
                .formatted(DEFERRED_TOOLS, result);
    }

    private static java.util.List<String> functionNames(ChatRequest chat) {
        return chat.body().path("tools").findValuesAsText("name");
    }

    @Test
    void aDeferredToolGoesOnlyOnceTheConversationHasLoadedIt() throws Exception {
        ChatRequest before = translate(request(DEFERRED_TOOLS, "fetch it"), PLAIN);
        ChatRequest after = translate(searched(true), PLAIN);

        assertThat(functionNames(before)).containsExactly("ToolSearch");
        assertThat(functionNames(after)).containsExactly("ToolSearch", "WebFetch");
        assertThat(after.body().at("/messages/2/content").textValue()).isEqualTo("Tool loaded: WebFetch");
        assertThat(upstream(after)).isEqualTo(afresh(searched(true), PLAIN));
    }

    @Test
    void theSameToolsWithOtherDeferredToolsLoadedAreNotShared() throws Exception {
        ChatRequest loaded = translate(searched(true), PLAIN);
        ChatRequest notLoaded = translate(searched(false), PLAIN);
        ChatRequest loadedAgain = translate(searched(true), PLAIN);
        ChatRequest notLoadedAgain = translate(searched(false), PLAIN);

        assertThat(functionNames(loaded)).containsExactly("ToolSearch", "WebFetch");
        assertThat(functionNames(notLoaded)).containsExactly("ToolSearch");
        assertThat(loadedAgain.body().get("tools")).isSameAs(loaded.body().get("tools"));
        assertThat(notLoadedAgain.body().get("tools")).isSameAs(notLoaded.body().get("tools"));
    }

    @Test
    void aToolChoiceNamingADeferredToolNotYetLoadedIsNotSent() throws Exception {
        String client = request(DEFERRED_TOOLS, "fetch it").replace("\"max_tokens\":100,",
                "\"max_tokens\":100,\"tool_choice\":{\"type\":\"tool\",\"name\":\"WebFetch\"},");

        ChatRequest chat = translate(client, PLAIN);

        assertThat(functionNames(chat)).containsExactly("ToolSearch");
        assertThat(chat.body().has("tool_choice")).isFalse();
    }
}
