package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.databind.node.ValueNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A string of the client's body spelled with escapes, exactly as Jackson writes it, whose value is decoded only when
 * something reads it. Claude Code's long texts (tool results, the system prompt, file contents) are full of
 * {@code \n} and {@code \"}; the gateway passes them on by copying their bytes ({@link #writeTo}) and counts their
 * tokens by their UTF-8 length, so decoding each into a {@code String} as the body is read was most of the parse's
 * work for nothing.
 *
 * <p>It is a string node like a {@link TextNode} in everything but its class: {@link #isTextual()}, the same
 * {@link #textValue()}, the same JSON when serialized, equal to any string node with the same value and with its
 * hash code. Jackson's {@code TextNode.equals} accepts only {@code TextNode}s, so equality is one-way: this node
 * equals an equal {@code TextNode}, not the other way round. The gateway never compares the client's strings as
 * nodes.
 *
 * <p>{@link BodyParser#readVerbatim} made it: the bytes are valid UTF-8 of one to three bytes a character, and every
 * escape is one Jackson writes ({@code \" \\ \b \t \n \f \r}, the other control characters as upper-case
 * <code>&#92;u00XX</code>), each standing for one char of one UTF-8 byte.
 */
public final class EscapedText extends ValueNode implements VerbatimText {
    private static final long serialVersionUID = 1L;

    private final transient byte[] body;
    private final int start;
    private final int length;
    private final int utf8Length;
    /**
     * The value, once read. Racy but safe: a {@code String} is immutable, so a thread that sees none decodes its own
     * equal copy (a remembered tools array is shared between requests).
     */
    private transient String value;

    /**
     * @param start      where the text begins in {@code body} (after the opening quote)
     * @param length     how many bytes it takes there (up to the closing quote)
     * @param utf8Length the decoded value's length in UTF-8 bytes: {@code length} less each escape's extra bytes
     */
    EscapedText(byte[] body, int start, int length, int utf8Length) {
        this.body = body;
        this.start = start;
        this.length = length;
        this.utf8Length = utf8Length;
    }

    @Override
    public JsonNodeType getNodeType() {
        return JsonNodeType.STRING;
    }

    @Override
    public JsonToken asToken() {
        return JsonToken.VALUE_STRING;
    }

    @Override
    public String textValue() {
        String decoded = value;
        if (decoded == null) {
            decoded = decode();
            value = decoded;
        }
        return decoded;
    }

    /** The text with its escapes replaced by the one byte each stands for, as UTF-8 made a {@code String}. */
    private String decode() {
        byte[] utf8 = new byte[utf8Length];
        int written = 0;
        int end = start + length;
        int run = start; // the first byte not yet copied
        for (int i = start; i < end; i++) {
            if (body[i] == '\\') {
                System.arraycopy(body, run, utf8, written, i - run);
                written += i - run;
                byte escaped = body[i + 1];
                if (escaped == 'u') {
                    // backslash-u 00XX: a control character, XX in upper-case hex
                    utf8[written++] = (byte) (Character.digit(body[i + 4], 16) << 4 | Character.digit(body[i + 5], 16));
                    i += 5;
                } else {
                    utf8[written++] = switch (escaped) {
                        case 'b' -> '\b';
                        case 't' -> '\t';
                        case 'n' -> '\n';
                        case 'f' -> '\f';
                        case 'r' -> '\r';
                        default -> escaped; // a quote or a backslash
                    };
                    i += 1;
                }
                run = i + 1;
            }
        }
        System.arraycopy(body, run, utf8, written, end - run);
        return new String(utf8, StandardCharsets.UTF_8);
    }

    /** Whether its value has been made: something read it (for tests of what the gateway leaves undecoded). */
    public boolean decoded() {
        return value != null;
    }

    @Override
    public String asText() {
        return textValue();
    }

    @Override
    public String asText(String defaultValue) {
        return textValue();
    }

    // As a TextNode answers these, from the same value: a number or boolean spelled as a string, base64 data.

    @Override
    public boolean asBoolean(boolean defaultValue) {
        return asTextNode().asBoolean(defaultValue);
    }

    @Override
    public int asInt(int defaultValue) {
        return asTextNode().asInt(defaultValue);
    }

    @Override
    public long asLong(long defaultValue) {
        return asTextNode().asLong(defaultValue);
    }

    @Override
    public double asDouble(double defaultValue) {
        return asTextNode().asDouble(defaultValue);
    }

    @Override
    public byte[] binaryValue() throws IOException {
        return asTextNode().binaryValue();
    }

    private TextNode asTextNode() {
        return TextNode.valueOf(textValue());
    }

    @Override
    public int utf8Length() {
        return utf8Length;
    }

    @Override
    public boolean startsWith(String prefix) {
        if (value != null || !spelledAsItself(prefix)) {
            return textValue().startsWith(prefix);
        }
        // the prefix's chars are their own spelling, so the value starts with them exactly where the text does
        if (prefix.length() > length) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (body[start + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether every char of {@code text} is ASCII that JSON writes as itself: no quote, backslash, control char. */
    private static boolean spelledAsItself(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' || c > '~' || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    @Override
    public void writeTo(JsonGenerator out) throws IOException {
        out.writeRawUTF8String(body, start, length);
    }

    @Override
    public EscapedText movedTo(byte[] other, int shift) {
        EscapedText moved = new EscapedText(other, start - shift, length, utf8Length);
        moved.value = value;
        return moved;
    }

    @Override
    public void serialize(JsonGenerator out, SerializerProvider provider) throws IOException {
        if (VerbatimText.copiesTo(out)) {
            writeTo(out);
        } else {
            out.writeString(textValue());
        }
    }

    @Override
    public boolean equals(Object other) {
        if (other == this) {
            return true;
        }
        if (other instanceof EscapedText escaped) {
            // Only Jackson's own spelling is read so: one spelling per value, so equal bytes mean equal values.
            return Arrays.equals(body, start, start + length,
                    escaped.body, escaped.start, escaped.start + escaped.length);
        }
        return other instanceof JsonNode node && node.isTextual() && textValue().equals(node.textValue());
    }

    @Override
    public int hashCode() {
        return textValue().hashCode();
    }
}
