package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An array whose compact JSON is already written: {@link JsonTrees} copies those bytes instead of writing the
 * elements again. Made for what is shared between requests (the translated tools, the same every turn), so it is
 * never changed once made, and its tree holds nothing of the request it came from.
 * Otherwise a plain {@link ArrayNode} to every reader.
 */
public final class WrittenArray extends ArrayNode {
    private static final long serialVersionUID = 1L;

    private final transient SerializedString json;

    private WrittenArray(JsonNodeFactory nodes, List<JsonNode> elements, SerializedString json) {
        super(nodes, elements);
        this.json = json;
    }

    /**
     * {@code array} written once: a copy of its tree whose strings keep nothing of a client's body (plain string nodes
     * of the same Strings), and its bytes, which are what it writes.
     */
    public static WrittenArray of(ArrayNode array, JsonFactory factory, JsonNodeFactory nodes) {
        byte[] bytes = JsonTrees.bytes(factory, array);
        List<JsonNode> elements = new ArrayList<>(array.size());
        for (JsonNode element : array) {
            elements.add(VerbatimTrees.copy(element, nodes, text -> TextNode.valueOf(text.textValue())));
        }
        return new WrittenArray(nodes, List.copyOf(elements), new Utf8Json(bytes)); // its own elements cannot be replaced either
    }

    /** JSON text whose UTF-8 bytes are known: Jackson's own would encode the text again, char by char. */
    private static final class Utf8Json extends SerializedString {
        private static final long serialVersionUID = 1L;

        Utf8Json(byte[] utf8) {
            super(new String(utf8, StandardCharsets.UTF_8));
            _unquotedUTF8Ref = utf8;
        }
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
