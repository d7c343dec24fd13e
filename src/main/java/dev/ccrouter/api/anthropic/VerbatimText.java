package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.UTF8JsonGenerator;
import java.io.IOException;

/**
 * A string node of the client's body that remembers its JSON text there, when that text is exactly what Jackson
 * would write for the string: the upstream body copies those bytes instead of escaping the string again, char by
 * char. A Claude Code request is mostly such strings (system prompt, tool descriptions, tool results), passed through
 * unchanged.
 *
 * <p>Two kinds: a {@link DecodedText} is a {@code TextNode} whose value was made as the body was read; an
 * {@link EscapedText}, a string spelled with escapes ({@code \n}, {@code \"}: most of Claude Code's long texts),
 * makes its value only when something reads it, which the gateway seldom does.
 */
public sealed interface VerbatimText permits DecodedText, EscapedText {

    /** The string's value (a JsonNode's {@code textValue()}; an {@link EscapedText} decodes it now if it has not). */
    String textValue();

    /** The string's length in UTF-8 bytes, as {@code textValue().getBytes(UTF_8).length}, without encoding it. */
    int utf8Length();

    /** Whether the value starts with {@code prefix}, as {@code textValue().startsWith(prefix)}, decoding only if need be. */
    boolean startsWith(String prefix);

    /** Writes the string by copying its escaped bytes; only to a generator that {@link #copiesTo}. */
    void writeTo(JsonGenerator out) throws IOException;

    /** This string in {@code other}, a copy of its body from {@code shift} on: its text {@code shift} bytes earlier. */
    VerbatimText movedTo(byte[] other, int shift);

    /**
     * Whether {@link #writeTo} gives what {@code out.writeString(textValue())} would: a UTF-8 generator that escapes as
     * Jackson does by default.
     */
    static boolean copiesTo(JsonGenerator out) {
        return out instanceof UTF8JsonGenerator
                && out.getCharacterEscapes() == null
                && out.getHighestEscapedChar() == 0
                && out.isEnabled(JsonGenerator.Feature.WRITE_HEX_UPPER_CASE)
                && !out.isEnabled(JsonGenerator.Feature.ESCAPE_NON_ASCII)
                && !out.isEnabled(JsonGenerator.Feature.ESCAPE_FORWARD_SLASHES);
    }
}
