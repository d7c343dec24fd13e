package dev.ccrouter.http;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BiConsumer;

/**
 * A request's header fields, kept as the bytes they arrived in with the bounds of each name and value: a lookup
 * compares a {@link HeaderName}'s bytes against the names, and only the value asked for becomes a string. Values are
 * read as ISO-8859-1 (RFC 9110 §5.5), without their surrounding spaces.
 */
public final class RequestHeaders {
    private final byte[] head;
    /** Per field: name start, name end, value start, value end (trimmed), in {@link #head}. */
    private final int[] bounds;
    private final int count;

    RequestHeaders(byte[] head, int[] bounds, int count) {
        this.head = head;
        this.bounds = bounds;
        this.count = count;
    }

    /** The first value of this header, if present. */
    public Optional<String> first(HeaderName name) {
        return Optional.ofNullable(value(name));
    }

    /** The first value of this header, or null. */
    public String value(HeaderName name) {
        int field = indexOf(name, 0);
        return field < 0 ? null : valueAt(field);
    }

    public boolean contains(HeaderName name) {
        return indexOf(name, 0) >= 0;
    }

    /**
     * Whether a field of this header lists this value as one of its comma-separated tokens, in any case
     * ({@code Connection: keep-alive, Close} contains {@code Connection: close}).
     */
    public boolean contains(Header header) {
        for (int field = indexOf(header.name(), 0); field >= 0; field = indexOf(header.name(), field + 1)) {
            for (String token : valueAt(field).split(",")) {
                if (token.strip().equalsIgnoreCase(header.value())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The declared {@code Content-Length} (checked when the head was read: digits only, one value). */
    public OptionalLong contentLength() {
        String value = value(HeaderNames.CONTENT_LENGTH);
        return value == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(value));
    }

    /** Every field in order, names as the client wrote them. */
    public void forEach(BiConsumer<String, String> action) {
        for (int field = 0; field < count; field++) {
            int at = field * 4;
            action.accept(new String(head, bounds[at], bounds[at + 1] - bounds[at], StandardCharsets.US_ASCII),
                    valueAt(field));
        }
    }

    public int size() {
        return count;
    }

    /** Every value of this header, in order. */
    java.util.List<String> values(HeaderName name) {
        java.util.List<String> values = new java.util.ArrayList<>(1);
        for (int field = indexOf(name, 0); field >= 0; field = indexOf(name, field + 1)) {
            values.add(valueAt(field));
        }
        return values;
    }

    /** How many fields carry this name. */
    int count(HeaderName name) {
        int found = 0;
        for (int field = indexOf(name, 0); field >= 0; field = indexOf(name, field + 1)) {
            found++;
        }
        return found;
    }

    private String valueAt(int field) {
        int at = field * 4;
        return new String(head, bounds[at + 2], bounds[at + 3] - bounds[at + 2], StandardCharsets.ISO_8859_1);
    }

    private int indexOf(HeaderName name, int fromField) {
        byte[] wanted = name.lowerCaseBytes();
        fields:
        for (int field = fromField; field < count; field++) {
            int start = bounds[field * 4];
            if (bounds[field * 4 + 1] - start != wanted.length) {
                continue;
            }
            for (int i = 0; i < wanted.length; i++) {
                if (Tokens.lowerCase(head[start + i]) != wanted[i]) {
                    continue fields;
                }
            }
            return field;
        }
        return -1;
    }
}
