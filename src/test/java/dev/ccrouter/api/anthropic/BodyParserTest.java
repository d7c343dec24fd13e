package dev.ccrouter.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.io.ContentReference;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.rehearsal.ClaudeCodeBodies;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link BodyParser} gives every token, text, location and error that Jackson's own UTF-8 parser gives, on every
 * fixture, on a Claude Code body and on random bodies of escapes, non-ASCII, surrogate pairs, control characters and
 * invalid UTF-8; over a whole array and over a stream split into buffers of every small size at every offset (where a
 * string crosses the buffer's end it must be read Jackson's way).
 */
class BodyParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory JACKSON = JSON.getFactory();
    private static final BodyParser.Factory BODIES = new BodyParser.Factory(JACKSON);

    @Test
    void readsEveryFixtureAsJacksonDoes() throws IOException {
        List<Path> fixtures;
        try (Stream<Path> files = Files.walk(Path.of("src/test/resources/fixtures"))) {
            fixtures = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(fixtures).hasSizeGreaterThan(50);
        for (Path fixture : fixtures) {
            byte[] body = Files.readAllBytes(fixture);
            assertThat(trace(BODIES.createParser(body))).as(fixture.toString()).isEqualTo(trace(JACKSON.createParser(body)));
            assertSameAcrossBufferBoundaries(body, 7);
        }
    }

    @Test
    void readsAClaudeCodeBodyAsJacksonDoesAndCopiesItsAsciiStrings() throws IOException {
        byte[] body = JSON.writeValueAsBytes(ClaudeCodeBodies.toolRoundTrip("claude-sonnet-5", 80_000, true));

        assertThat(trace(BODIES.createParser(body))).isEqualTo(trace(JACKSON.createParser(body)));
        assertSameAcrossBufferBoundaries(body, 4000);
    }

    @Test
    void readsStringsSpelledAsJacksonWritesThemWithoutDecodingThoseWithEscapes() throws IOException {
        byte[] body = ("{\"a\":\"plain text, long enough for words\",\"b\":\"esc\\\"aped\\n\",\"c\":\"caf\u00e9 \u20ac\","
                + "\"d\":\"\",\"e\":\"\\/\",\"f\":\"\ud83d\ude00\",\"g\":\"ctl \\u001F\"}").getBytes(StandardCharsets.UTF_8);
        List<String> read = new ArrayList<>();
        try (JsonParser parser = BODIES.createParser(body)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.VALUE_STRING) {
                    VerbatimText verbatim = ((BodyParser) parser).readVerbatim(body);
                    String value = verbatim == null ? parser.getText() : ((JsonNode) verbatim).textValue();
                    read.add((verbatim == null ? "-" : verbatim.getClass().getSimpleName()) + " " + value);
                }
            }
        }

        assertThat(read).containsExactly(
                "DecodedText plain text, long enough for words",
                "EscapedText esc\"aped\n",
                "DecodedText caf\u00e9 \u20ac",
                "- ", // the empty string: nothing to copy
                "- /", // spelled otherwise than Jackson writes it
                "- \ud83d\ude00", // a four-byte character, which Jackson writes as two escapes
                "EscapedText ctl \u001F");
    }

    @Test
    void aBodyWithAByteOrderMarkOrInUtf16IsJacksonsParser() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'};
        byte[] utf16 = "{\"a\":\"b\"}".getBytes(StandardCharsets.UTF_16BE);

        assertThat(BODIES.createParser(bom)).isNotInstanceOf(BodyParser.class);
        assertThat(BODIES.createParser(utf16)).isNotInstanceOf(BodyParser.class);
        assertThat(trace(BODIES.createParser(utf16))).isEqualTo(trace(JACKSON.createParser(utf16)));
    }

    @Test
    void aKnownArrayIsSkippedToWhereSkipChildrenLeavesTheParser() throws IOException {
        byte[] body = "{\"tools\":[{\"name\":\"Bash\",\"n\":[1,2.5,\"x\"]}],\"then\":[1,}".getBytes(StandardCharsets.UTF_8);
        List<String> skipped = new ArrayList<>();
        List<String> read = new ArrayList<>();
        for (boolean known : new boolean[] {true, false}) {
            List<String> into = known ? skipped : read;
            try (JsonParser parser = BODIES.createParser(body)) {
                parser.nextToken();
                parser.nextFieldName();
                parser.nextToken();
                if (known) {
                    assertThat(((BodyParser) parser).skipKnownArray(42)).isTrue();
                } else {
                    parser.skipChildren();
                }
                into.add(parser.currentToken() + " " + place(parser.currentLocation()));
                into.addAll(trace(parser));
            }
        }

        assertThat(skipped).isEqualTo(read).contains("END_ARRAY 42:1:43");
    }

    @Property(tries = 300)
    void readsRandomBodiesAsJacksonDoes(@ForAll("bodies") byte[] body, @ForAll @IntRange(min = 1, max = 24) int bufferSize)
            throws IOException {
        assertThat(trace(BODIES.createParser(body))).isEqualTo(trace(JACKSON.createParser(body)));
        assertSameAcrossBufferBoundaries(body, bufferSize);
    }

    /** A JSON object of a few fields whose strings are random pieces: ASCII, escapes, UTF-8 of 2 to 4 bytes, and faults. */
    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> pieces = Arbitraries.oneOf(
                Arbitraries.strings().withCharRange(' ', '~').excludeChars('"', '\\').ofMaxLength(30),
                Arbitraries.of("\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u0041", "\\u001b", "\\u001B", "\\uD83D\\uDE00",
                        "\\uD800", "\\x", "\\u12"),
                Arbitraries.of("é", "€", "日本", "\u2028", "\uFFFD", "😀", "\uFFFF"),
                Arbitraries.of("\u0001", "\t", "\n", "\u007F"),
                Arbitraries.of("\u0080", "\u00C0", "\u00ED\u00A0\u0080", "\u00FF", "\u00C3", "\u00E2\u0082", "\u00F0\u009F\u0098"));
        Arbitrary<String> strings = pieces.list().ofMaxSize(12).map(list -> String.join("", list));
        return strings.list().ofMinSize(1).ofMaxSize(5).map(BodyParserTest::body);
    }

    /**
     * The strings as values of an object: the pieces from U+0080 to U+00FF of the last kind stand for single raw
     * bytes (invalid UTF-8), every other char is written as UTF-8.
     */
    private static byte[] body(List<String> strings) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"k\":1".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < strings.size(); i++) {
            out.writeBytes((",\"f" + i + "\":" + (i % 2 == 0 ? "\"" : "[\"")).getBytes(StandardCharsets.UTF_8));
            String value = strings.get(i);
            for (int j = 0; j < value.length(); ) {
                int c = value.codePointAt(j);
                boolean rawByte = c >= 0x80 && c <= 0xFF && c != 0xE9 && c != 0xC3;
                out.writeBytes(rawByte ? new byte[] {(byte) c} : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8));
                j += Character.charCount(c);
            }
            out.writeBytes((i % 2 == 0 ? "\"" : "\",\"tail\"]").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes("}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Both parsers over the body as a stream read into buffers of {@code bufferSize}, shifted by leading spaces. */
    private static void assertSameAcrossBufferBoundaries(byte[] body, int bufferSize) throws IOException {
        for (int shift = 0; shift < Math.min(bufferSize, 9); shift++) {
            byte[] shifted = new byte[body.length + shift];
            java.util.Arrays.fill(shifted, 0, shift, (byte) ' ');
            System.arraycopy(body, 0, shifted, shift, body.length);
            assertThat(trace(overStream(shifted, bufferSize, true)))
                    .as("buffer of %d bytes, shifted by %d", bufferSize, shift)
                    .isEqualTo(trace(overStream(shifted, bufferSize, false)));
        }
    }

    private static JsonParser overStream(byte[] body, int bufferSize, boolean bodyParser) {
        IOContext context = new IOContext(JACKSON.streamReadConstraints(), JACKSON.streamWriteConstraints(),
                com.fasterxml.jackson.core.ErrorReportConfiguration.defaults(), new BufferRecycler(), ContentReference.unknown(), false);
        int features = JACKSON.getParserFeatures();
        ByteQuadsCanonicalizer names = ByteQuadsCanonicalizer.createRoot().makeChild(JACKSON.getFactoryFeatures());
        ByteArrayInputStream in = new ByteArrayInputStream(body);
        byte[] buffer = new byte[bufferSize];
        return bodyParser
                ? new BodyParser(context, features, in, null, names, buffer, 0, 0, false)
                : new UTF8StreamJsonParser(context, features, in, null, names, buffer, 0, 0, 0, false);
    }

    /** Every token with its text and where it and the parser stand, then the error, if any, with its place. */
    private static List<String> trace(JsonParser parser) throws IOException {
        List<String> tokens = new ArrayList<>();
        try (parser) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                String text = token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY ? "" : parser.getText();
                tokens.add(token + " " + text + " " + place(parser.currentTokenLocation()) + " " + place(parser.currentLocation()));
            }
        } catch (JsonProcessingException e) {
            tokens.add("error: " + e.getOriginalMessage() + " " + place(e.getLocation()));
        }
        return tokens;
    }

    private static String place(JsonLocation location) {
        return location == null ? "?" : location.getByteOffset() + ":" + location.getLineNr() + ":" + location.getColumnNr();
    }
}
