package dev.ccrouter.api.anthropic;

import static dev.ccrouter.api.anthropic.VerbatimTreesTest.messageOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * A string of the client's body spelled with escapes is read without being decoded, and behaves as Jackson's
 * {@link TextNode} of the same value wherever the gateway or Jackson reads it.
 */
class EscapedTextTest {
    private final ObjectMapper json = new ObjectMapper();
    private final VerbatimTrees verbatim = new VerbatimTrees(json.getFactory(), json.getNodeFactory());

    private JsonNode read(String body) throws Exception {
        return verbatim.read(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aStringWithEscapesIsReadUndecodedAndDecodesToJacksonsValue() throws Exception {
        JsonNode tree = read("{\"s\":\"line one\\nsaid \\\"hi\\\" in caf\u00e9 \u20ac\\t\\\\ \\u001F\\b\\f\\r end\"}");

        EscapedText text = (EscapedText) tree.get("s");
        assertThat(text.decoded()).isFalse();
        assertThat(text.utf8Length()).isEqualTo("line one\nsaid \"hi\" in caf\u00e9 \u20ac\t\\ \u001F\b\f\r end"
                .getBytes(StandardCharsets.UTF_8).length);
        assertThat(text.decoded()).isFalse();

        assertThat(text.textValue()).isEqualTo("line one\nsaid \"hi\" in caf\u00e9 \u20ac\t\\ \u001F\b\f\r end");
        assertThat(text.decoded()).isTrue();
        assertThat(text.textValue()).isSameAs(text.textValue()); // decoded once
    }

    @Test
    void itIsAStringNodeEqualToJacksonsOneWay() throws Exception {
        JsonNode text = read("[\"a\\nb\"]").get(0);
        TextNode jackson = TextNode.valueOf("a\nb");

        assertThat(text).isInstanceOf(EscapedText.class);
        assertThat(text.isTextual()).isTrue();
        assertThat(text.isValueNode()).isTrue();
        assertThat(text.asText()).isEqualTo("a\nb");
        assertThat(text.asText("default")).isEqualTo("a\nb");
        assertThat(text.equals(jackson)).isTrue();
        assertThat(text.hashCode()).isEqualTo(jackson.hashCode());
        EscapedText same = (EscapedText) read("[\"a\\nb\"]").get(0);
        assertThat(text.equals(same)).isTrue();
        assertThat(same.decoded()).isFalse(); // two such strings compare by their bytes: one spelling per value
        assertThat(text).isNotEqualTo(read("[\"a\\nc\"]").get(0)).isNotEqualTo(TextNode.valueOf("a\nc"));
        // Jackson's TextNode.equals accepts only TextNodes: the one comparison that does not hold
        assertThat(jackson.equals(text)).isFalse();
        // so a tree read here equals Jackson's from this side
        assertThat(read("{\"s\":[\"x\\ty\"]}")).isEqualTo(json.readTree("{\"s\":[\"x\\ty\"]}"));
    }

    @Test
    void jacksonWritesAndConvertsItAsTheStringItIs() throws Exception {
        JsonNode tree = read("{\"s\":\"caf\u00e9 \\\"q\\\"\\n\"}");

        assertThat(tree.toString()).isEqualTo("{\"s\":\"caf\u00e9 \\\"q\\\"\\n\"}");
        assertThat(tree.toPrettyString()).isEqualTo(json.readTree(tree.toString()).toPrettyString());
        assertThat(json.writeValueAsString(tree)).isEqualTo("{\"s\":\"caf\u00e9 \\\"q\\\"\\n\"}");
        assertThat(json.treeToValue(tree, Map.class)).isEqualTo(Map.of("s", "caf\u00e9 \"q\"\n"));
        assertThat(json.treeToValue(tree.get("s"), String.class)).isEqualTo("caf\u00e9 \"q\"\n");
    }

    @Test
    void numbersBooleansAndBase64SpelledAsStringsReadAsATextNodeReadsThem() throws Exception {
        String data = Base64.getEncoder().encodeToString("bytes\n".getBytes(StandardCharsets.UTF_8));
        // each with an escape (a trailing newline or tab), so each is an EscapedText
        JsonNode tree = read("{\"n\":\"42\\n\",\"t\":\"true\\t\",\"b\":\"" + data + "\\n\"}");

        for (String field : new String[] {"n", "t", "b"}) {
            JsonNode escaped = tree.get(field);
            TextNode jackson = TextNode.valueOf(escaped.textValue());
            assertThat(escaped).isInstanceOf(EscapedText.class);
            assertThat(escaped.asInt(-1)).isEqualTo(jackson.asInt(-1));
            assertThat(escaped.asLong(-1)).isEqualTo(jackson.asLong(-1));
            assertThat(escaped.asDouble(-1)).isEqualTo(jackson.asDouble(-1));
            assertThat(escaped.asBoolean(true)).isEqualTo(jackson.asBoolean(true));
        }
        assertThat(tree.get("b").binaryValue()).isEqualTo(TextNode.valueOf(tree.get("b").textValue()).binaryValue());
    }

    @Test
    void aPlainPrefixIsFoundWithoutDecoding() throws Exception {
        JsonNode tree = read("[\"x-anthropic-billing-header: cc_version=2\\n\",\"other\\n\",\"a\\\"b\\n\",\"ab\\n\"]");
        EscapedText header = (EscapedText) tree.get(0);

        assertThat(header.startsWith("x-anthropic-billing-header:")).isTrue();
        assertThat(header.startsWith("x-anthropic-billing-header: cc_version=2 and more")).isFalse(); // longer
        assertThat(((EscapedText) tree.get(1)).startsWith("x-anthropic")).isFalse();
        assertThat(header.decoded()).isFalse();
        assertThat(((EscapedText) tree.get(1)).decoded()).isFalse();
        // a prefix with a char spelled otherwise (a quote, a newline) is compared with the decoded value
        assertThat(((EscapedText) tree.get(2)).startsWith("a\"")).isTrue();
        assertThat(((EscapedText) tree.get(3)).startsWith("ab\n")).isTrue();
        assertThat(((EscapedText) tree.get(3)).startsWith("ab\\")).isFalse();
    }

    @Test
    void anythingSpelledOtherwiseOrNotJsonIsLeftToJackson() throws Exception {
        // An escape Jackson would not write, then a raw four-byte character: decoded as the body is read, as before.
        assertThat(read("[\"a\\nb\\/\"]").get(0)).isExactlyInstanceOf(TextNode.class);
        assertThat(read("[\"a\\n\uD83D\uDE00\"]").get(0)).isExactlyInstanceOf(TextNode.class);
        // After an escape, what is not JSON fails with Jackson's own message.
        for (byte[] body : new byte[][] {
                {'[', '"', '\\', 'n', 1, '"', ']'}, // a raw control character
                {'[', '"', '\\', 'n', (byte) 0xC0, (byte) 0x80, '"', ']'}, // an overlong encoding
                {'[', '"', '\\', 'n', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', ']'}, // a surrogate in UTF-8
                {'[', '"', '\\', 'n', '\\', 'q', '"', ']'}, // no such escape
                {'[', '"', '\\', 'n', 'a', 'b'}, // no closing quote
        }) {
            assertThat(messageOf(() -> verbatim.read(body))).isEqualTo(messageOf(() -> json.readTree(body)))
                    .isNotEmpty();
        }
    }

    /**
     * Any bytes between two quotes — escapes right or wrong, control characters, UTF-8 well or badly formed, a quote
     * that ends the string early — read as Jackson reads them: the same failure, or the same tree written to the same
     * bytes, with the right UTF-8 length for every string read verbatim.
     */
    @Property(tries = 3000)
    void anyBytesInAStringReadAsJacksonReadsThem(@ForAll("stringContents") byte[] content) throws Exception {
        byte[] body = new byte[content.length + 4];
        body[0] = '[';
        body[1] = '"';
        System.arraycopy(content, 0, body, 2, content.length);
        body[body.length - 2] = '"';
        body[body.length - 1] = ']';

        String failure = messageOf(() -> json.readTree(body));
        assertThat(messageOf(() -> verbatim.read(body))).isEqualTo(failure);
        Statistics.collect(failure.isEmpty() ? verbatim.read(body).get(0).getClass().getSimpleName() : "failed");
        if (failure.isEmpty()) {
            JsonNode read = verbatim.read(body);
            JsonNode jackson = json.readTree(body);
            assertThat(read).isEqualTo(jackson);
            assertThat(JsonTrees.bytes(json.getFactory(), read)).isEqualTo(JsonTrees.bytes(json.getFactory(), jackson));
            for (JsonNode element : read) {
                if (element instanceof VerbatimText text) {
                    assertThat(text.utf8Length()).isEqualTo(element.textValue().getBytes(StandardCharsets.UTF_8).length);
                }
            }
        }
        // each way through the reader is taken often enough to mean something
        Statistics.coverage(coverage -> {
            for (String kind : new String[] {"EscapedText", "DecodedText", "TextNode", "failed"}) {
                coverage.check(kind).percentage(share -> share >= 3);
            }
        });
    }

    /**
     * Contents made of pieces, most of them well formed so that a whole string often is: plain text, the escapes
     * Jackson writes and others, UTF-8 of one to four bytes, and what is not JSON (a raw control character, a bad
     * escape, overlong, surrogate or cut UTF-8, a quote in the middle).
     */
    @Provide
    Arbitrary<byte[]> stringContents() {
        Arbitrary<String> wellFormed = Arbitraries.of("a", "text ", "\\n", "\\\"", "\\\\", "\\t", "\\u001F", "\\u0001",
                "\u00e9", "\u20ac", "\u2028");
        Arbitrary<String> spelledOtherwise = Arbitraries.of("\\/", "\\u0041", "\\u001b", "\\u000A", "\\u00E9",
                "\uD83D\uDE00", "\\uD83D\\uDE00", "\\ud800");
        Arbitrary<String> notJson = Arbitraries.of("\\q", "\\u12", "\u0001", "\u001F", "\"", "\\");
        Arbitrary<byte[]> text = Arbitraries.frequencyOf(
                Tuple.of(12, wellFormed.map(piece -> piece.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(2, spelledOtherwise.map(piece -> piece.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, notJson.map(piece -> piece.getBytes(StandardCharsets.UTF_8))),
                Tuple.of(1, Arbitraries.of(new byte[] {(byte) 0xC0, (byte) 0x80}, new byte[] {(byte) 0xED, (byte) 0xA0,
                        (byte) 0x80}, new byte[] {(byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82},
                        new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xE0, (byte) 0x9F, (byte) 0xBF})));
        return text.list().ofMaxSize(10).map(pieces -> {
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            pieces.forEach(joined::writeBytes);
            return joined.toByteArray();
        });
    }

    @Test
    void aStringLongerThanTheParsersLimitFailsAsJacksonFails() {
        JsonFactory small = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(8).build())
                .build();
        ObjectMapper limited = new ObjectMapper(small);
        VerbatimTrees limitedTrees = new VerbatimTrees(small, limited.getNodeFactory());
        byte[] nine = "[\"1234\\n6789\"]".getBytes(StandardCharsets.UTF_8);
        byte[] eight = "[\"1234\\n678\"]".getBytes(StandardCharsets.UTF_8);

        assertThat(messageOf(() -> limitedTrees.read(nine))).isEqualTo(messageOf(() -> limited.readTree(nine)))
                .contains("String value length (9) exceeds the maximum allowed (8");
        assertThat(messageOf(() -> limitedTrees.read(eight))).isEmpty();
    }
}
