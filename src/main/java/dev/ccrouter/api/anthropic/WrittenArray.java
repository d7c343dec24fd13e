package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * An array whose compact JSON is already written: {@link JsonTrees} copies those bytes instead of writing the
 * elements again. Made for what is shared between requests (the translated tools, the same every turn), so it is
 * never changed once made: its tree is read back from its own bytes, and holds nothing of the request it came from.
 * Otherwise a plain {@link ArrayNode} to every reader.
 */
public final class WrittenArray extends ArrayNode {
    private static final long serialVersionUID = 1L;

    private final transient SerializedString json;

    private WrittenArray(JsonNodeFactory nodes, List<JsonNode> elements, SerializedString json) {
        super(nodes, elements);
        this.json = json;
    }

    /** {@code array} written once and read back: a tree equal to it, whose writing is a copy of those bytes. */
    public static WrittenArray of(ArrayNode array, JsonFactory factory, JsonNodeFactory nodes) {
        byte[] bytes = JsonTrees.bytes(factory, array);
        JsonNode readBack;
        try {
            readBack = new VerbatimTrees(factory, nodes).read(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("JSON just written reads back", e);
        }
        SerializedString json = new SerializedString(new String(bytes, StandardCharsets.UTF_8));
        json.asUnquotedUTF8(); // encoded now, once, rather than by the first requests that share it
        return new WrittenArray(nodes, readBack.valueStream().toList(), json);
    }

    /** The array's compact JSON. */
    SerializableString json() {
        return json;
    }

    /** How many bytes its JSON takes. */
    public int jsonLength() {
        return json.asUnquotedUTF8().length;
    }
}
