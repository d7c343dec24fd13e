package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A {@link VerbatimText} whose value was decoded as it was read: a {@link TextNode} like any other, that also knows
 * its JSON text in the client's body.
 *
 * <p>Jackson writes non-ASCII characters of the Basic Multilingual Plane as UTF-8, characters outside it as a pair
 * of escapes (<code>&#92;uD83D&#92;uDE00</code>), {@code "} and {@code \} and the control characters with a backslash: the short
 * forms {@code \b \t \n \f \r}, the others as <code>&#92;u00XX</code> in upper-case hex. A string written the same way by the
 * client is verbatim; any other spelling ({@code \/}, <code>&#92;u0041</code>, lower-case hex, a raw four-byte character)
 * is not, and such a string is a plain {@link TextNode}, written as before. The parser has already refused what is not
 * JSON (unescaped control characters, malformed, overlong or surrogate UTF-8), so the scan need not check it again.
 */
public final class DecodedText extends TextNode implements VerbatimText {
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long BACKSLASHES = '\\' * ONES;

    private final byte[] body;
    private final int start;
    private final int length;
    private final int utf8Length;

    private DecodedText(String value, byte[] body, int start, int length, int utf8Length) {
        super(value);
        this.body = body;
        this.start = start;
        this.length = length;
        this.utf8Length = utf8Length;
    }

    /**
     * The string node for {@code value}, whose JSON text in {@code body} is the quote at {@code quote} to the quote at
     * {@code endQuote}: a {@code DecodedText} when that text is spelled as Jackson writes it, a plain
     * {@link TextNode} otherwise. The body must come from a parser that refuses unescaped control characters.
     */
    static TextNode of(String value, byte[] body, int quote, int endQuote) {
        if (value.isEmpty() || quote < 0 || endQuote >= body.length || quote >= endQuote
                || body[quote] != '"' || body[endQuote] != '"') {
            return TextNode.valueOf(value);
        }
        // Eight bytes at a time while none is a backslash (the usual case: prose and code), counting continuation bytes
        // to know the number of chars; byte by byte around an escape.
        int i = quote + 1;
        int continuations = 0;
        int escapedExtra = 0; // bytes of escape syntax beyond the one char each escape stands for
        while (i < endQuote) {
            while (endQuote - i >= Long.BYTES) {
                long word = (long) WORDS.get(body, i);
                long backslashes = hasByte(word, BACKSLASHES);
                if (backslashes != 0) {
                    int plain = Long.numberOfTrailingZeros(backslashes) >>> 3; // the bytes before the first backslash
                    continuations += continuations(word & ((1L << (plain * 8)) - 1));
                    i += plain;
                    break;
                }
                continuations += continuations(word);
                i += Long.BYTES;
            }
            if (i == endQuote) {
                break;
            }
            int b = body[i] & 0xFF;
            if (b == '\\') {
                int escape = writtenEscapeLength(body, i);
                if (escape == 0) {
                    return TextNode.valueOf(value);
                }
                i += escape;
                escapedExtra += escape - 1;
            } else {
                if ((b & 0xC0) == 0x80) {
                    continuations++;
                }
                i++;
            }
        }
        // Every one- to three-byte character and every escape accepted above is one char. A four-byte character (outside
        // the Basic Multilingual Plane, which Jackson writes as two escapes) is two chars counted as one: the counts
        // differ, and so they would for a span that is not this string's text.
        int length = endQuote - quote - 1;
        if (i != endQuote || length - continuations - escapedExtra != value.length()) {
            return TextNode.valueOf(value);
        }
        return new DecodedText(value, body, quote + 1, length, length - escapedExtra);
    }

    /**
     * The string node for {@code value}, whose JSON text in {@code body} starts at {@code start} and is exactly the
     * value's chars: ASCII without quote, backslash or control character, as {@link BodyParser} found it.
     */
    static DecodedText ascii(String value, byte[] body, int start) {
        return new DecodedText(value, body, start, value.length(), value.length());
    }

    /**
     * The string node for {@code value}, whose JSON text in {@code body} is the {@code length} bytes from
     * {@code start}: its UTF-8 encoding without escapes (no quote, backslash, control character or four-byte
     * character among them), as {@link BodyParser#readVerbatim} found it.
     */
    static DecodedText unescaped(String value, byte[] body, int start, int length) {
        return new DecodedText(value, body, start, length, length);
    }

    /** Non-zero when one of the word's bytes equals the byte repeated in {@code pattern}; its lowest set bit is the first such byte's. */
    private static long hasByte(long word, long pattern) {
        long diff = word ^ pattern;
        return (diff - ONES) & ~diff & HIGH_BITS;
    }

    /** How many of the word's bytes are UTF-8 continuation bytes (10xxxxxx), which add no char. */
    private static int continuations(long word) {
        return Long.bitCount(word & ~(word << 1) & HIGH_BITS);
    }

    /**
     * The length of the escape at {@code at} when Jackson writes that character so, else 0. The bytes after the
     * backslash must be in the array (the parser found the escape whole, or the caller checked).
     */
    static int writtenEscapeLength(byte[] body, int at) {
        switch (body[at + 1]) {
            case '"', '\\', 'b', 't', 'n', 'f', 'r' -> {
                return 2;
            }
            case 'u' -> {
                // backslash-u 00XX for the control characters without a short form, upper-case hex
                if (body[at + 2] != '0' || body[at + 3] != '0') {
                    return 0;
                }
                int high = body[at + 4];
                int low = body[at + 5];
                boolean lowHex = low >= '0' && low <= '9' || low >= 'A' && low <= 'F';
                if (!lowHex || high != '0' && high != '1') {
                    return 0;
                }
                boolean shortForm = high == '0' && (low == '8' || low == '9' || low == 'A' || low == 'C' || low == 'D');
                return shortForm ? 0 : 6;
            }
            default -> {
                return 0; // \/ and anything else Jackson would not write
            }
        }
    }

    @Override
    public DecodedText movedTo(byte[] other, int shift) {
        return new DecodedText(textValue(), other, start - shift, length, utf8Length);
    }

    @Override
    public boolean startsWith(String prefix) {
        return textValue().startsWith(prefix);
    }

    @Override
    public int utf8Length() {
        return utf8Length;
    }

    @Override
    public void writeTo(JsonGenerator out) throws IOException {
        out.writeRawUTF8String(body, start, length);
    }
}
