package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Arrays;
import java.util.List;

/**
 * An array of the client's body (a field of its top-level object, such as {@code tools}) that remembers where its
 * JSON text lies in the body: two arrays spelled with the same bytes read into equal trees, so whatever is made from
 * one (the translated tools) can be remembered under those bytes. Otherwise a plain {@link ArrayNode}: equal to any
 * array with equal elements, and its {@link #deepCopy} is a plain array without the span (a copy may be changed).
 * The span says nothing once the array itself is changed; the gateway never changes the client's tree.
 */
public final class VerbatimArray extends ArrayNode {
    private static final long serialVersionUID = 1L;

    private final transient byte[] body;
    private final int start;
    private final int end;

    VerbatimArray(JsonNodeFactory nodes, List<JsonNode> elements, byte[] body, int start, int end) {
        super(nodes, elements);
        this.body = body;
        this.start = start;
        this.end = end;
    }

    /** Whether this array's JSON text is exactly {@code json}. */
    public boolean spelledAs(byte[] json) {
        return Arrays.equals(body, start, end, json, 0, json.length);
    }

    /** Whether {@code other} holds this array's JSON text from {@code at} on, before {@code otherEnd}. */
    boolean spelledAt(byte[] other, int at, int otherEnd) {
        int length = end - start;
        return at >= 0 && otherEnd - at >= length && Arrays.equals(body, start, end, other, at, at + length);
    }

    /** Where this array's JSON text begins in its body. */
    int spelledFrom() {
        return start;
    }

    /** How many bytes this array's JSON text takes. */
    public int spelledLength() {
        return end - start;
    }

    /**
     * Whether this is an array {@link VerbatimTrees} remembered and hands to every body that spells it so: it points
     * into a copy of its own bytes (an array of a body is only part of it), and it is never changed.
     */
    public boolean remembered() {
        return start == 0 && end == body.length;
    }

    /** A copy of this array's JSON text, as the client spelled it. */
    public byte[] spelling() {
        return Arrays.copyOfRange(body, start, end);
    }
}
