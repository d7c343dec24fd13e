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
 * <p>It also tells {@link VerbatimTrees} where the last plain ASCII string lay (no rescan to know it may be copied),
 * and skips an array already known to be well formed in one step ({@link #skipKnownArray}).
 */
final class BodyParser extends UTF8StreamJsonParser {
    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long QUOTES = '"' * ONES;
    private static final long BACKSLASHES = '\\' * ONES;
    private static final long SPACES = ' ' * ONES;

    /** Where the last string read by one copy began, when it was all ASCII; else -1. */
    private int asciiStart = -1;

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
        asciiStart = -1;
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
        if (high == 0) {
            asciiStart = start;
        }
        return value;
    }

    @Override
    protected void _finishString() throws IOException {
        asciiStart = -1; // read Jackson's way, for its chars
        super._finishString();
    }

    /**
     * Where the string just read with {@code getText()} began in the buffer (after its opening quote) when it was read
     * by one copy and is all ASCII, with no escape: then its bytes up to the closing quote are its text, exactly as
     * Jackson writes it. Otherwise -1.
     */
    int asciiStringStart() {
        return asciiStart;
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
