package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.EscapedText;
import dev.ccrouter.api.anthropic.VerbatimText;
import dev.ccrouter.api.anthropic.VerbatimTrees;
import dev.ccrouter.api.anthropic.WrittenArray;
import dev.ccrouter.rehearsal.ClaudeCodeBodies;
import dev.ccrouter.upstream.RequestBody;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The upstream body made from a client body read with {@link VerbatimTrees} (strings copied from the client's bytes)
 * is byte for byte the one made from Jackson's {@code readTree} (strings escaped again), for every golden fixture,
 * for a Claude Code body and for one that spells its strings every way JSON allows; and the big strings of a Claude
 * Code request are the ones copied.
 */
class VerbatimUpstreamBodyTest {
    private static final VerbatimTrees VERBATIM = new VerbatimTrees(RequestFixtures.JSON.getFactory(),
            RequestFixtures.JSON.getNodeFactory());
    private final MessagesRequestTranslator translator = new MessagesRequestTranslator(RequestFixtures.JSON);

    static Stream<RequestFixtures> fixtures() {
        return RequestFixtures.all();
    }

    private byte[] upstreamBody(JsonNode request, UpstreamTarget target, String sessionId, int clientBytes) {
        return RequestBody.json(RequestFixtures.JSON, translator.translate(request, target, sessionId).body(),
                clientBytes).toByteArray();
    }

    private void assertSameUpstreamBody(byte[] client, UpstreamTarget target, String sessionId) throws Exception {
        byte[] escapedAgain = upstreamBody(RequestFixtures.JSON.readTree(client), target, sessionId, client.length);
        byte[] copied = upstreamBody(VERBATIM.read(client), target, sessionId, client.length);

        assertThat(new String(copied, StandardCharsets.UTF_8)).isEqualTo(new String(escapedAgain, StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void everyFixtureGivesTheSameBytes(RequestFixtures fixture) throws Exception {
        String requestCase = RequestFixtures.read(fixture.name() + ".target.json").path("request").asText(fixture.name());
        byte[] client = Files.readAllBytes(RequestFixtures.directory().resolve(requestCase + ".anthropic.json"));

        assertSameUpstreamBody(client, fixture.target(), fixture.sessionId());
    }

    @Test
    void aClaudeCodeBodyGivesTheSameBytes() throws Exception {
        byte[] client = RequestFixtures.JSON.writeValueAsBytes(ClaudeCodeBodies.toolRoundTrip("claude-sonnet-5", 80_000, true));

        assertSameUpstreamBody(client, claude(), "session-1");
        assertSameUpstreamBody(client, plain(), null);
    }

    @Test
    void stringsSpelledEveryWayGiveTheSameBytes() throws Exception {
        String spellings = "tab\\t quote\\\" slash\\/ esc\\u001b ESC\\u001B nul\\u0000 A\\u0041 é\\u00e9 é 日本 "
                + "emoji😀 pair\\ud83d\\ude00 PAIR\\uD83D\\uDE00 lone\\uDC00 ls\\u2028 del\u007F end\\\\";
        String client = """
                {"model":"m","max_tokens":10,"stream":true,
                 "system":[{"type":"text","text":"S %1$s"}],
                 "tools":[{"name":"Bash","description":"D %1$s","input_schema":{"type":"object",
                   "properties":{"command":{"type":"string","description":"P %1$s","enum":["E %1$s"]}}}}],
                 "messages":[{"role":"user","content":"U %1$s"},
                   {"role":"assistant","content":[{"type":"text","text":"A %1$s"},
                     {"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"I %1$s"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"R %1$s"},
                     {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"O %1$s"}],
                      "is_error":true},
                     {"type":"text","text":"T %1$s","cache_control":{"type":"ephemeral"}}]}]}
                """.formatted(spellings);

        assertSameUpstreamBody(client.getBytes(StandardCharsets.UTF_8), claude(), "session-1");
        assertSameUpstreamBody(client.getBytes(StandardCharsets.UTF_8), plain(), null);
    }

    @Test
    void theBigStringsOfAClaudeCodeRequestAreCopied() throws Exception {
        byte[] client = RequestFixtures.JSON.writeValueAsBytes(ClaudeCodeBodies.toolRoundTrip("claude-sonnet-5", 80_000, true));

        JsonNode upstream = translator.translate(VERBATIM.read(client), claude(), "session-1").body();

        List<JsonNode> big = new ArrayList<>();
        collectStringsOver(500, upstream.get("messages"), big); // system prompt, reminders, the tool result
        assertThat(big).hasSizeGreaterThan(3).allSatisfy(text -> assertThat(text).isInstanceOf(VerbatimText.class));
        // most are spelled with escapes (Claude Code's texts are full of newlines) and were never decoded: the
        // translation passes them on
        List<EscapedText> escaped = big.stream().filter(EscapedText.class::isInstance).map(EscapedText.class::cast).toList();
        assertThat(escaped.stream().mapToInt(EscapedText::utf8Length).sum()).isGreaterThan(30_000);
        assertThat(escaped).noneMatch(EscapedText::decoded);
        assertThat(big.stream().mapToInt(text -> text.textValue().length()).sum()).isGreaterThan(40_000);
        // the tools (their 24 descriptions) are written once and copied whole, every request
        assertThat(upstream.get("tools")).isInstanceOf(WrittenArray.class).hasSize(24);
        assertThat(((WrittenArray) upstream.get("tools")).jsonLength()).isGreaterThan(30_000); // of the 80 KB
    }

    /** The strings of more than {@code bytes} UTF-8 bytes under {@code node}, measured without decoding any. */
    private static void collectStringsOver(int bytes, JsonNode node, List<JsonNode> sink) {
        if (node.isTextual() && (node instanceof VerbatimText verbatim ? verbatim.utf8Length()
                : node.textValue().getBytes(StandardCharsets.UTF_8).length) > bytes) {
            sink.add(node);
        }
        node.forEach(child -> collectStringsOver(bytes, child, sink));
    }

    private static UpstreamTarget claude() {
        return new UpstreamTarget("anthropic/claude-sonnet-5", "anthropic/claude-sonnet-5", ModelCapabilities.CACHING);
    }

    private static UpstreamTarget plain() {
        return new UpstreamTarget("openai/gpt-5", "openai/gpt-5", ModelCapabilities.PLAIN);
    }
}
