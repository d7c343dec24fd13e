package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;

/**
 * A {@link VerbatimText} without escapes, whose value was made as it was read (by one copy of its bytes): a
 * {@link TextNode} like any other, that also knows its JSON text in the client's body.
 */
public final class DecodedText extends TextNode implements VerbatimText {
    private final byte[] body;
    private final int start;
    private final int length;

    private DecodedText(String value, byte[] body, int start, int length) {
        super(value);
        this.body = body;
        this.start = start;
        this.length = length;
    }

    /**
     * The string node for {@code value}, whose JSON text in {@code body} is the {@code length} bytes from
     * {@code start}: its UTF-8 encoding as Jackson writes it without escapes (no quote, backslash, control character or
     * four-byte character among them), as {@link BodyParser#readVerbatim} found it.
     */
    static DecodedText of(String value, byte[] body, int start, int length) {
        return new DecodedText(value, body, start, length);
    }

    @Override
    public DecodedText movedTo(byte[] other, int shift) {
        return new DecodedText(textValue(), other, start - shift, length);
    }

    @Override
    public boolean startsWith(String prefix) {
        return textValue().startsWith(prefix);
    }

    @Override
    public int utf8Length() {
        return length; // no escapes: the spelling is the UTF-8 encoding
    }

    @Override
    public void writeTo(JsonGenerator out) throws IOException {
        out.writeRawUTF8String(body, start, length);
    }
}
