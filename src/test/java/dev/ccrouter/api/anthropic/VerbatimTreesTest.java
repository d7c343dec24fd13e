package dev.ccrouter.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A body read by {@link VerbatimTrees} is the tree Jackson's {@code readTree} makes, and written again it gives the
 * bytes Jackson writes for that tree, however the client spelled its strings: copied where the spelling is Jackson's
 * own, escaped again where it is not.
 */
class VerbatimTreesTest {
    private final ObjectMapper json = new ObjectMapper();
    private final VerbatimTrees verbatim = new VerbatimTrees(json.getFactory(), json.getNodeFactory());

    /** What the gateway wrote before: Jackson's tree, written node by node with Jackson's escaping. */
    private String escapedAgain(byte[] body) throws Exception {
        return utf8(JsonTrees.bytes(json.getFactory(), json.readTree(body)));
    }

    private String copied(byte[] body) throws Exception {
        return utf8(JsonTrees.bytes(json.getFactory(), verbatim.read(body)));
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "plain ASCII text",
            "quote \\\" backslash \\\\ newline \\n tab \\t return \\r backspace \\b form feed \\f",
            "control characters Jackson spells long: \\u0000 \\u0001 \\u000B \\u000E \\u001B \\u001F",
            "non-ASCII as UTF-8: é ß € ✓ 日本語 \u2028 \u2029 \uFFFD \uFFFF del \u007F",
            "a slash / unescaped",
    })
    void copiesStringsSpelledAsJacksonWritesThem(String spelling) throws Exception {
        byte[] body = bytes("{\"s\":\"" + spelling + "\"}");

        assertThat(verbatim.read(body).get("s")).isInstanceOf(VerbatimText.class);
        assertThat(copied(body)).isEqualTo(escapedAgain(body)).isEqualTo(utf8(body));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "escaped slash \\/",
            "lower-case hex \\u001b",
            "an escape Jackson would not write \\u0041",
            "a short form spelled long \\u000A",
            "escaped non-ASCII \\u00e9",
            "escaped DEL \\u007F",
            "an emoji as UTF-8 😀",
            "an escaped surrogate pair \\uD83D\\uDE00 and a lone one \\ud800",
    })
    void escapesAgainStringsSpelledOtherwise(String spelling) throws Exception {
        byte[] body = bytes("{\"s\":\"" + spelling + "\"}");

        assertThat(verbatim.read(body).get("s")).isNotInstanceOf(VerbatimText.class);
        assertThat(copied(body)).isEqualTo(escapedAgain(body)).isNotEqualTo(utf8(body));
    }

    @Test
    void exactBytesForTheSpellingsJacksonChanges() throws Exception {
        byte[] body = bytes("[\"\\/\",\"\\u001b\",\"\\u0041\",\"\\u000a\",\"😀\",\"\\ud83d\\ude00\",\"ok\\n\"]");

        assertThat(copied(body)).isEqualTo("[\"/\",\"\\u001B\",\"A\",\"\\n\",\"\\uD83D\\uDE00\",\"\\uD83D\\uDE00\",\"ok\\n\"]");
    }

    @Test
    void readsTheTreeJacksonReads() throws Exception {
        byte[] body = bytes("""
                {"int": 7, "negative": -0, "long": 9007199254740993, "big": 123456789012345678901234567890,
                 "double": 0.1, "exponent": 1.5e300, "huge": 1e400, "tiny": -2E-5, "true": true, "false": false,
                 "null": null, "empty": "", "list": [[], {}, "x", 1, [{"deep": ["y"]}]],
                 "dup": 1, "other": 2, "dup": "last wins, first place"}
                """);

        JsonNode read = verbatim.read(body);
        JsonNode expected = json.readTree(body);

        assertThat(read).isEqualTo(expected);
        assertThat(read.get("long").getClass()).isEqualTo(expected.get("long").getClass());
        assertThat(read.get("big").getClass()).isEqualTo(expected.get("big").getClass());
        assertThat(read.get("double").getClass()).isEqualTo(expected.get("double").getClass());
        assertThat(read.get("huge").doubleValue()).isInfinite();
        assertThat(read.properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("int", "negative", "long", "big", "double", "exponent", "huge", "tiny", "true",
                        "false", "null", "empty", "list", "dup", "other");
        assertThat(copied(body)).isEqualTo(escapedAgain(body));
    }

    @Test
    void contentAfterTheValueIsRefusedAndWhitespaceIsNoValue() throws Exception {
        assertThat(messageOf(() -> verbatim.read(bytes("{\"a\":1} {\"b\":2}"))))
                .startsWith("Unexpected content after the JSON value");
        assertThat(messageOf(() -> verbatim.read(bytes("{\"a\":1}}")))).startsWith("Unexpected close marker '}'");
        assertThat(messageOf(() -> verbatim.read(bytes("{\"a\":1}garbage")))).startsWith("Unrecognized token 'garbage'");
        assertThat(verbatim.read(bytes("{\"a\":1} \r\n"))).isEqualTo(json.readTree("{\"a\":1}"));
        assertThat(verbatim.read(bytes(" \n\t "))).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "{\"a\":\"\u0001\"}", "{\"a\":tru}",
            "{\"a\":\"\\x\"}", "{\"a\":01}", "}"})
    void invalidJsonFailsAsJacksonsTreeReaderFails(String body) {
        String expected = messageOf(() -> json.readTree(bytes(body)));

        assertThat(messageOf(() -> verbatim.read(bytes(body)))).isEqualTo(expected).isNotEmpty();
    }

    @Test
    void invalidUtf8FailsAsJacksonsTreeReaderFails() {
        byte[] overlong = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0x80, '"', '}'};
        byte[] surrogate = {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'};

        for (byte[] body : List.of(overlong, surrogate)) {
            assertThat(messageOf(() -> verbatim.read(body))).isEqualTo(messageOf(() -> json.readTree(body)))
                    .startsWith("Invalid UTF-8");
        }
    }

    @Test
    void aUtf16BodyIsReadButNotCopied() throws Exception {
        byte[] body = "{\"s\":\"text\\n\"}".getBytes(StandardCharsets.UTF_16BE);

        JsonNode read = verbatim.read(body);

        assertThat(read).isEqualTo(json.readTree(body));
        assertThat(read.get("s")).isNotInstanceOf(VerbatimText.class);
    }

    @Test
    void aWriterThatEscapesDifferentlyGetsTheStringEscapedAgain() throws Exception {
        byte[] body = bytes("{\"s\":\"é/\\n\"}");
        ObjectMapper escaping = new ObjectMapper();
        escaping.getFactory().enable(com.fasterxml.jackson.core.JsonGenerator.Feature.ESCAPE_NON_ASCII);

        assertThat(utf8(JsonTrees.bytes(escaping.getFactory(), verbatim.read(body)))).isEqualTo("{\"s\":\"\\u00E9/\\n\"}");
        assertThat(JsonTrees.plainText(json.getFactory(), verbatim.read(body))).isEqualTo("{\"s\":\"é/\\n\"}");
    }

    @Property(tries = 500)
    void anySpellingOfAnyStringWritesAsJacksonWritesIt(@ForAll("spelledStrings") List<Spelled> strings) throws Exception {
        StringBuilder body = new StringBuilder("{\"list\":[");
        for (int i = 0; i < strings.size(); i++) {
            body.append(i == 0 ? "" : ",").append('"').append(strings.get(i).spelling).append('"');
        }
        body.append("]}");
        byte[] raw = bytes(body.toString());

        JsonNode read = verbatim.read(raw);

        assertThat(read).isEqualTo(json.readTree(raw));
        assertThat(copied(raw)).isEqualTo(escapedAgain(raw));
        for (int i = 0; i < strings.size(); i++) {
            JsonNode node = read.get("list").get(i);
            assertThat(node.textValue()).isEqualTo(strings.get(i).value);
            if (node instanceof VerbatimText text) {
                assertThat(text.utf8Length()).isEqualTo(strings.get(i).value.getBytes(StandardCharsets.UTF_8).length);
            }
        }
    }

    /** A string and one way a client may spell it in JSON. */
    record Spelled(String value, String spelling) {
    }

    @Provide
    Arbitrary<List<Spelled>> spelledStrings() {
        Arbitrary<Integer> chars = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 0x7F),
                Arbitraries.of((int) 'é', (int) '€', 0x2028, 0xFFFD, 0x1F600, 0xD800, 0xDC00));
        Arbitrary<Tuple.Tuple2<Integer, Integer>> spelledChar = Arbitraries.integers().between(0, 3)
                .flatMap(way -> chars.map(c -> Tuple.of(c, way)));
        return spelledChar.list().ofMaxSize(40).map(VerbatimTreesTest::spell).list().ofMaxSize(4);
    }

    /** Ways: 0 raw where JSON allows it, 1 short escape where one exists, 2 upper-case and 3 lower-case hex escape. */
    private static Spelled spell(List<Tuple.Tuple2<Integer, Integer>> chars) {
        StringBuilder value = new StringBuilder();
        StringBuilder spelling = new StringBuilder();
        for (Tuple.Tuple2<Integer, Integer> spelled : chars) {
            int c = spelled.get1();
            int way = spelled.get2();
            value.appendCodePoint(c);
            String shortForm = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '/' -> "\\/";
                case '\b' -> "\\b";
                case '\t' -> "\\t";
                case '\n' -> "\\n";
                case '\f' -> "\\f";
                case '\r' -> "\\r";
                default -> null;
            };
            boolean rawAllowed = c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate((char) c);
            if (way == 0 && rawAllowed) {
                spelling.appendCodePoint(c);
            } else if (way <= 1 && shortForm != null) {
                spelling.append(shortForm);
            } else {
                for (char unit : Character.toChars(c)) {
                    String hex = String.format("\\u%04X", (int) unit);
                    spelling.append(way == 3 ? hex.toLowerCase() : hex);
                }
            }
        }
        return new Spelled(value.toString(), spelling.toString());
    }

    /** Jackson's message and where it failed, for comparing two readers' failures; empty when the read succeeds. */
    static String messageOf(ThrowingRead read) {
        try {
            read.run();
            return "";
        } catch (JsonProcessingException e) {
            return e.getOriginalMessage() + " at " + (e.getLocation() == null ? "?" : e.getLocation().getByteOffset());
        } catch (Exception e) {
            return e.toString();
        }
    }

    interface ThrowingRead {
        void run() throws Exception;
    }

    @Test
    void anArrayOfTheTopLevelObjectKnowsItsBytesAndIsOtherwiseAPlainArray() throws Exception {
        byte[] body = bytes("{\"tools\": [ {\"name\":\"Bash\",\"x\":[1, 2]} ,\"é\"] , \"n\":[]}");

        JsonNode tree = verbatim.read(body);

        VerbatimArray tools = (VerbatimArray) tree.get("tools");
        assertThat(utf8(tools.spelling())).isEqualTo("[ {\"name\":\"Bash\",\"x\":[1, 2]} ,\"é\"]");
        assertThat(tools.spelledAs(bytes("[ {\"name\":\"Bash\",\"x\":[1, 2]} ,\"é\"]"))).isTrue();
        assertThat(tools.spelledAs(bytes("[{\"name\":\"Bash\",\"x\":[1,2]},\"é\"]"))).isFalse();
        assertThat(utf8(((VerbatimArray) tree.get("n")).spelling())).isEqualTo("[]");
        assertThat(tree.at("/tools/0/x")).isNotInstanceOf(VerbatimArray.class); // only the top level's
        assertThat(tree).isEqualTo(json.readTree(body));
        assertThat(json.readTree(body)).isEqualTo(tree);
        assertThat(tools.deepCopy()).isNotInstanceOf(VerbatimArray.class).isEqualTo(tools);
    }

    @Test
    void toolsSpelledAsTheLastBodysAreTheRememberedArrayAndTheTreeIsJacksons() throws Exception {
        String tools = "[{\"name\":\"Bash\",\"description\":\"Runs.\\nQuotes \\\"paths\\\".\",\"input_schema\":{\"type\":\"object\","
                + "\"properties\":{\"n\":{\"type\":\"integer\",\"maximum\":12345678901,\"minimum\":0.5}}}}]";
        byte[] first = bytes("{\"tools\":" + tools + ",\"messages\":[\"one\"]}");
        byte[] second = bytes("{\"model\":\"m\", \"tools\":" + tools + ",\"messages\":[\"two\"]}");
        byte[] changed = bytes("{\"tools\":" + tools.replace("Runs.", "Runs!") + ",\"messages\":[\"three\"]}");

        JsonNode firstTree = verbatim.read(first);
        java.util.Arrays.fill(first, (byte) ' '); // the remembered tools keep nothing of the body they came from
        JsonNode secondTree = verbatim.read(second);
        JsonNode thirdTree = verbatim.read(second);
        JsonNode changedTree = verbatim.read(changed);

        assertThat(secondTree).isEqualTo(json.readTree(second));
        assertThat(secondTree.get("tools")).isSameAs(thirdTree.get("tools")).isNotSameAs(firstTree.get("tools"));
        assertThat(copied(second)).isEqualTo(escapedAgain(second));
        assertThat(changedTree).isEqualTo(json.readTree(changed));
        assertThat(changedTree.at("/tools/0/description").textValue()).isEqualTo("Runs!\nQuotes \"paths\".");
        assertThat(((VerbatimArray) secondTree.get("tools")).spelledAs(bytes(tools))).isTrue();
    }

    @Test
    void aBodyBrokenAfterRememberedToolsFailsAsJacksonsTreeReaderFails() throws Exception {
        String tools = "[{\"name\":\"Bash\"}]";
        verbatim.read(bytes("{\"tools\":" + tools + "}"));
        byte[] broken = bytes("{\"tools\":" + tools + ",\"messages\":[1,]}");
        byte[] cut = bytes("{\"tools\":" + tools.substring(0, tools.length() - 1));

        for (byte[] body : List.of(broken, cut)) {
            assertThat(messageOf(() -> verbatim.read(body))).isEqualTo(messageOf(() -> json.readTree(body))).isNotEmpty();
        }
    }

    @Test
    void aBodyInTheFirstBytesOfALongerArrayIsReadAsIfAlone() throws Exception {
        String tools = "[{\"name\":\"Bash\"}]";
        byte[] former = bytes("{\"tools\":" + tools + ",\"messages\":[\"a former body's text\"]}");
        verbatim.read(former); // its tools are remembered
        byte[] body = bytes("{\"messages\":[\"short\\n\"]}");
        byte[] cut = bytes("{\"tools\":" + tools.substring(0, tools.length() - 1)); // ends where the tools' last ] was
        for (byte[] current : List.of(body, cut)) {
            byte[] kept = former.clone(); // the kept array still holds the former body after the current one
            System.arraycopy(current, 0, kept, 0, current.length);

            if (current == body) {
                JsonNode read = verbatim.read(kept, current.length);
                assertThat(read).isEqualTo(json.readTree(body));
                assertThat(utf8(JsonTrees.bytes(json.getFactory(), read))).isEqualTo(escapedAgain(body));
            } else { // the remembered tools' bytes continue past the body's end, in the former body's bytes
                assertThat(messageOf(() -> verbatim.read(kept, current.length)))
                        .isEqualTo(messageOf(() -> json.readTree(cut))).isNotEmpty();
            }
        }
    }

    @Test
    void twoSpellingsOfToolsTakingTurnsAreBothRemembered() throws Exception {
        byte[] main = bytes("{\"tools\":[{\"name\":\"Bash\"},{\"name\":\"Task\"}]}");
        byte[] subagent = bytes("{\"tools\":[{\"name\":\"Bash\"}]}");

        verbatim.read(main);
        verbatim.read(subagent);
        JsonNode mainAgain = verbatim.read(main).get("tools");
        JsonNode subagentAgain = verbatim.read(subagent).get("tools");

        assertThat(verbatim.read(main).get("tools")).isSameAs(mainAgain).isEqualTo(json.readTree(main).get("tools"));
        assertThat(verbatim.read(subagent).get("tools")).isSameAs(subagentAgain).isEqualTo(json.readTree(subagent).get("tools"));
    }
}
