package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.json.ByteSourceJsonBootstrapper;
import com.fasterxml.jackson.core.json.UTF8StreamJsonParser;
import com.fasterxml.jackson.core.sym.ByteQuadsCanonicalizer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Jackson's UTF-8 parser, reading plain strings faster. Jackson decodes a string byte by byte into a growing char
 * buffer and then makes a {@code String} of it (copying it again, and once more when the buffer grew). Here a string
 * without escapes — no backslash, no control character, its closing quote in the buffer — is found eight bytes at a
 * time and made a {@code String} by one copy of its bytes (the JDK's own UTF-8 decoding when it is not ASCII).
 * Everything else (escapes, control characters, malformed UTF-8, a string across a buffer boundary, one longer than
 * the limit) is left to Jackson's own code from the same place, so the values and the errors are Jackson's. (Strings
 * with escapes decoded here as well measured no faster than Jackson's loop: see docs/benchmarks.md.)
 *
 * <p>For {@link VerbatimTrees} it also reads a string spelled as Jackson writes it without decoding it
 * ({@link #readVerbatim}), and skips an array already known to be well formed in one step ({@link #skipKnownArray}).
 */
final class BodyParser extends UTF8StreamJsonParser {
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long QUOTES = '"' * ONES;
    private static final long BACKSLASHES = '\\' * ONES;
    private static final long SPACES = ' ' * ONES;

    BodyParser(IOContext context, int features, InputStream in, ObjectCodec codec, ByteQuadsCanonicalizer names,
            byte[] buffer, int start, int end, boolean recyclable) {
        super(context, features, in, codec, names, buffer, start, end, 0, recyclable);
    }

    /** A factory whose parsers over a byte array without a byte-order mark are {@code BodyParser}s; others are Jackson's. */
    static final class Factory extends JsonFactory {
        Factory(JsonFactory settings) {
            super(settings, settings.getCodec());
        }

        @Override
        protected JsonParser _createParser(byte[] data, int offset, int len, IOContext context) throws IOException {
            // Without a byte-order mark Jackson's parser starts at the first byte, as this one does; with one (or in
            // UTF-16 or 32), Jackson's own bootstrap decides.
            if (len > 0 && data[offset] != (byte) 0xEF && isEnabled(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                    && (!isEnabled(JsonFactory.Feature.CHARSET_DETECTION)
                            || new ByteSourceJsonBootstrapper(context, data, offset, len).detectEncoding() == JsonEncoding.UTF8)) {
                return new BodyParser(context, _parserFeatures, null, _objectCodec,
                        _byteSymbolCanonicalizer.makeChild(_factoryFeatures), data, offset, offset + len, false);
            }
            return super._createParser(data, offset, len, context);
        }
    }

    @Override
    protected String _finishAndReturnString() throws IOException {
        byte[] buffer = _inputBuffer;
        int start = _inputPtr;
        int end = _inputEnd;
        int i = start;
        long high = 0; // the high bits of every byte passed: non-zero when the string is not ASCII
        int quote = -1;
        while (end - i >= Long.BYTES) {
            long word = (long) WORDS.get(buffer, i);
            long stops = hasByte(word, QUOTES) | hasByte(word, BACKSLASHES) | hasLess(word, SPACES);
            if (stops != 0) {
                int plain = Long.numberOfTrailingZeros(stops) >>> 3;
                high |= word & ((1L << (plain * 8)) - 1) & HIGH_BITS;
                i += plain;
                quote = buffer[i] == '"' ? i : -2;
                break;
            }
            high |= word & HIGH_BITS;
            i += Long.BYTES;
        }
        for (; quote == -1 && i < end; i++) {
            int b = buffer[i] & 0xFF;
            if (b == '"') {
                quote = i;
            } else if (b == '\\' || b < ' ') {
                quote = -2;
            } else {
                high |= b & 0x80;
            }
        }
        int length = quote - start;
        if (quote < 0 || length > _streamReadConstraints.getMaxStringLength()) {
            return super._finishAndReturnString(); // an escape, a control character, the buffer's end: Jackson's way
        }
        String value;
        if (high == 0) {
            value = new String(buffer, start, length, StandardCharsets.ISO_8859_1);
        } else {
            value = new String(buffer, start, length, StandardCharsets.UTF_8);
            // The JDK replaces malformed UTF-8 (and surrogates, overlong forms) with U+FFFD where Jackson fails with its
            // own message: let Jackson read any string in which U+FFFD appears, genuine or not.
            if (value.indexOf('\uFFFD') >= 0) {
                return super._finishAndReturnString();
            }
        }
        _textBuffer.resetWithString(value);
        _inputPtr = quote + 1;
        return value;
    }

    /**
     * Reads the string whose opening quote was the last token as a {@link VerbatimText} of {@code body} (the array this
     * parser reads), when its JSON text is spelled exactly as Jackson writes the string: then the parser moves past
     * it without decoding it, and a string with escapes is an {@link EscapedText} whose value is decoded only if read.
     * Returns null, having moved nothing, for any other string: another spelling ({@code \/}, lower-case hex, a
     * four-byte character), what is not JSON (a raw control character, malformed UTF-8), a string longer than the
     * limit or not whole in the buffer. The caller then reads it with {@code getText()}, Jackson's way, errors
     * included. The parser's own text buffer does not hold the string read here: read it from the node.
     */
    VerbatimText readVerbatim(byte[] body) {
        if (_currToken != JsonToken.VALUE_STRING || !_tokenIncomplete || _inputBuffer != body || _inputPtr < 1
                || body[_inputPtr - 1] != '"') {
            return null;
        }
        int start = _inputPtr;
        int end = _inputEnd;
        int i = start;
        int escapeExtra = 0; // bytes of escape syntax beyond the one byte each escape stands for
        int continuations = 0; // UTF-8 continuation bytes, which add no char
        while (true) {
            while (end - i >= Long.BYTES) {
                long word = (long) WORDS.get(body, i);
                long stops = hasByte(word, QUOTES) | hasByte(word, BACKSLASHES) | hasLess(word, SPACES)
                        | word & HIGH_BITS;
                if (stops != 0) {
                    i += Long.numberOfTrailingZeros(stops) >>> 3;
                    break;
                }
                i += Long.BYTES;
            }
            if (i >= end) {
                return null; // not whole in the buffer
            }
            int b = body[i] & 0xFF;
            if (b == '"') {
                break;
            } else if (b == '\\') {
                boolean whole = end - i > 1 && (body[i + 1] != 'u' || end - i > 5); // its bytes all in the buffer
                int escape = whole ? writtenEscapeLength(body, i) : 0;
                if (escape == 0) {
                    return null;
                }
                escapeExtra += escape - 1;
                i += escape;
            } else if (b >= 0x80) {
                int sequence = utf8SequenceLength(body, i, end);
                if (sequence == 0) {
                    return null;
                }
                continuations += sequence - 1;
                i += sequence;
            } else if (b < ' ') {
                return null;
            } else {
                i++;
            }
        }
        int length = i - start;
        int utf8Length = length - escapeExtra;
        if (length == 0 || utf8Length - continuations > _streamReadConstraints.getMaxStringLength()) {
            return null;
        }
        VerbatimText read;
        if (escapeExtra > 0) {
            read = new EscapedText(body, start, length, utf8Length);
        } else if (continuations == 0) {
            read = DecodedText.of(new String(body, start, length, StandardCharsets.ISO_8859_1), body, start, length);
        } else {
            read = DecodedText.of(new String(body, start, length, StandardCharsets.UTF_8), body, start, length);
        }
        _inputPtr = i + 1;
        _tokenIncomplete = false;
        return read;
    }

    /**
     * The length of the escape at {@code at} when Jackson writes that character so, else 0: {@code \" \\ \b \t \n
     * \f \r}, and <code>&#92;u00XX</code> in upper-case hex for the other control characters. The bytes after the
     * backslash must be in the array.
     */
    private static int writtenEscapeLength(byte[] body, int at) {
        switch (body[at + 1]) {
            case '"', '\\', 'b', 't', 'n', 'f', 'r' -> {
                return 2;
            }
            case 'u' -> {
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

    /**
     * How many bytes the UTF-8 character at {@code at} takes when it is one of two or three bytes, well formed (not
     * overlong, not a surrogate): exactly the sequences Jackson decodes and writes again as they are. Else 0 — a
     * four-byte character (Jackson writes it as two escapes) or what Jackson refuses.
     */
    private static int utf8SequenceLength(byte[] body, int at, int end) {
        int lead = body[at] & 0xFF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            return end - at > 1 && isContinuation(body[at + 1]) ? 2 : 0;
        }
        if (lead >= 0xE0 && lead <= 0xEF && end - at > 2) {
            int second = body[at + 1] & 0xFF;
            boolean secondFits = lead == 0xE0 ? second >= 0xA0 && second <= 0xBF // not overlong
                    : lead == 0xED ? second >= 0x80 && second <= 0x9F // not a surrogate
                    : isContinuation(body[at + 1]);
            return secondFits && isContinuation(body[at + 2]) ? 3 : 0;
        }
        return 0;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    /**
     * Moves past an array whose opening bracket was the last token and which ends just before {@code end}, without
     * reading it: for bytes known to be a well-formed array at this very place (the same bytes parsed so before) and
     * on one line (the parser counts lines for its locations). The parser is then as {@code skipChildren()} leaves
     * it. Returns false, having done nothing, when it cannot: a token count is being limited, or the array is not
     * in the buffer.
     */
    boolean skipKnownArray(int end) {
        if (_currToken != JsonToken.START_ARRAY || _trackMaxTokenCount || end > _inputEnd || end <= _inputPtr
                || _inputBuffer[end - 1] != ']') {
            return false;
        }
        _inputPtr = end;
        _parsingContext = _parsingContext.clearAndGetParent();
        _currToken = JsonToken.END_ARRAY;
        _tokenIncomplete = false;
        return true;
    }

    /** Non-zero when one of the word's bytes equals the byte repeated in {@code pattern}; its lowest set bit is the first such byte's. */
    private static long hasByte(long word, long pattern) {
        long diff = word ^ pattern;
        return (diff - ONES) & ~diff & HIGH_BITS;
    }

    /** Non-zero when one of the word's bytes is below the byte repeated in {@code pattern} (at most 0x80); its lowest set bit is the first such byte's. */
    private static long hasLess(long word, long pattern) {
        return (word - pattern) & ~word & HIGH_BITS;
    }
}
