package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Reads a JSON body into the tree {@code ObjectMapper.readTree(byte[])} makes, except that its strings are
 * {@link VerbatimText} where the body spells them as Jackson writes them, so that writing the tree again copies them.
 * Same parser, same limits, same errors; numbers and duplicate keys (the last value wins, in the first one's place)
 * are treated as Jackson's tree reader treats them with its default settings. Content after the value is an error,
 * where Jackson's reader ignores it: {@code {…}garbage} or two objects in one body is no JSON document, and a request
 * sent so is a broken one, not the first of its values.
 *
 * <p>The arrays of a top-level object are {@link VerbatimArray}s that know their bytes. Its {@code tools} (Claude
 * Code sends the same 35 KB every turn) are remembered, the last {@value #REMEMBERED_TOOLS} spellings: when a later
 * body spells them with the same bytes, the parser skips them (no strings decoded, no nodes made) and the tree gets
 * the remembered array, which points into a copy of those bytes. That array is shared by every body that spells its
 * tools so: whoever reads a body's tree must never change it (the gateway copies what it changes).
 */
public final class VerbatimTrees {
    /** The top-level field whose array is remembered from body to body. */
    private static final String TOOLS = "tools";
    /** How many spellings of {@code tools} are remembered. */
    private static final int REMEMBERED_TOOLS = 4;
    /** Longer tools are read every time rather than kept. */
    private static final int MAX_REMEMBERED_TOOLS = 1 << 20;

    private final JsonFactory factory;
    private final JsonNodeFactory nodes;
    /**
     * The {@code tools} of the last bodies that spelled them differently, each read from a copy of its bytes: a few,
     * because a session's subagents send other tools than its main agent, turn about.
     */
    private final AtomicReferenceArray<RememberedTools> recentTools = new AtomicReferenceArray<>(REMEMBERED_TOOLS);
    private final AtomicInteger nextToolsSlot = new AtomicInteger();

    /** A remembered spelling of {@code tools}, and whether it lies on one line (then the parser may jump over it). */
    private record RememberedTools(VerbatimArray array, boolean oneLine) {
        static RememberedTools of(VerbatimArray array) {
            byte[] spelling = array.spelling();
            for (byte b : spelling) {
                if (b == '\n' || b == '\r') {
                    return new RememberedTools(array, false);
                }
            }
            return new RememberedTools(array, true);
        }
    }

    /** @param factory its settings (limits, features) are the parser's; its parsers over bytes are {@link BodyParser}s */
    public VerbatimTrees(JsonFactory factory, JsonNodeFactory nodes) {
        this.factory = new BodyParser.Factory(factory);
        this.nodes = nodes;
    }

    /** The body's first JSON value as a tree, or null when it holds none (only whitespace). */
    public JsonNode read(byte[] body) throws IOException {
        return read(body, body.length);
    }

    /**
     * The same for a body in the first {@code length} bytes of {@code body}; what follows them (a former body's bytes,
     * in a kept array) is never read.
     */
    public JsonNode read(byte[] body, int length) throws IOException {
        try (JsonParser parser = factory.createParser(body, 0, length)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            // Only our parser over the UTF-8 bytes themselves reads strings as spelled (a UTF-16 or UTF-32 body, or one
            // with a byte-order mark, is Jackson's parser's); and a string with raw control characters, if they were
            // allowed, is no JSON to copy.
            boolean copyable = parser instanceof BodyParser
                    && !parser.isEnabled(JsonReadFeature.ALLOW_UNESCAPED_CONTROL_CHARS.mappedFeature());
            Reading reading = new Reading(parser, copyable ? body : null, length);
            JsonNode value = first == JsonToken.START_OBJECT ? reading.root() : reading.value(first);
            if (parser.nextToken() != null) { // anything but whitespace: an unknown token fails in nextToken itself
                throw new JsonParseException(parser, "Unexpected content after the JSON value",
                        parser.currentTokenLocation());
            }
            return value;
        }
    }

    /**
     * A copy of an array read from a body that points into a copy of its own bytes instead: it keeps nothing of the
     * body it came from, and it is shared, never changed (see {@link #read}). Its strings are the same Strings.
     */
    private VerbatimArray detached(VerbatimArray read) {
        byte[] spelling = read.spelling();
        int shift = read.spelledFrom();
        List<JsonNode> elements = new ArrayList<>(read.size());
        for (JsonNode element : read) {
            elements.add(copy(element, nodes, text -> (JsonNode) text.movedTo(spelling, shift)));
        }
        return new VerbatimArray(nodes, List.copyOf(elements), spelling, 0, spelling.length); // nor replaced elements
    }

    /** A deep copy of {@code node}, its verbatim strings replaced by {@code strings}; other leaves are shared (immutable). */
    static JsonNode copy(JsonNode node, JsonNodeFactory nodes, Function<VerbatimText, JsonNode> strings) {
        if (node instanceof VerbatimText text) {
            return strings.apply(text);
        }
        if (node.isObject()) {
            ObjectNode copy = nodes.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                copy.set(field.getKey(), copy(field.getValue(), nodes, strings));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = nodes.arrayNode(node.size());
            for (JsonNode element : node) {
                copy.add(copy(element, nodes, strings));
            }
            return copy;
        }
        return node;
    }

    private final class Reading {
        private final JsonParser parser;
        private final byte[] body;
        /** Where the body's bytes end in {@code body}. */
        private final int bodyEnd;

        Reading(JsonParser parser, byte[] body, int bodyEnd) {
            this.parser = parser;
            this.body = body;
            this.bodyEnd = bodyEnd;
        }

        JsonNode value(JsonToken token) throws IOException {
            return switch (token) {
                case START_OBJECT -> object();
                case START_ARRAY -> array();
                case VALUE_STRING -> text();
                case VALUE_NUMBER_INT -> integer();
                case VALUE_NUMBER_FLOAT -> decimal();
                case VALUE_TRUE -> nodes.booleanNode(true);
                case VALUE_FALSE -> nodes.booleanNode(false);
                case VALUE_NULL -> nodes.nullNode();
                // the JSON parser reports nothing else as a value; an embedded object cannot occur in text
                default -> throw new IllegalStateException("unexpected JSON token " + token);
            };
        }

        /**
         * The top-level object: its arrays are {@link VerbatimArray}s that know their span in the body, for what is
         * remembered per identical bytes (the translated tools).
         */
        private ObjectNode root() throws IOException {
            ObjectNode object = nodes.objectNode();
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken token = parser.nextToken();
                JsonNode value;
                if (token != JsonToken.START_ARRAY || body == null) {
                    value = value(token);
                } else if (name.equals(TOOLS)) {
                    value = tools();
                } else {
                    value = spannedArray();
                }
                object.replace(name, value);
            }
            return object;
        }

        /** The tools: a remembered array when spelled with its bytes (the parser skips them), else read and remembered. */
        private ArrayNode tools() throws IOException {
            int start = (int) parser.currentTokenLocation().getByteOffset();
            for (int i = 0; i < recentTools.length(); i++) {
                RememberedTools remembered = recentTools.get(i);
                VerbatimArray recent = remembered == null ? null : remembered.array();
                if (recent != null && recent.spelledAt(body, start, bodyEnd)) {
                    // the same bytes read to the same tree: only the parser's place moves on, at once when it can
                    int end = start + recent.spelledLength();
                    if (remembered.oneLine() && parser instanceof BodyParser bodyParser && bodyParser.skipKnownArray(end)) {
                        return recent;
                    }
                    parser.skipChildren();
                    if (parser.currentLocation().getByteOffset() != end) {
                        throw new IllegalStateException("the same bytes parsed to another end");
                    }
                    return recent;
                }
            }
            ArrayNode tools = spannedArray();
            if (tools instanceof VerbatimArray spelled && spelled.spelledLength() <= MAX_REMEMBERED_TOOLS) {
                int slot = Math.floorMod(nextToolsSlot.getAndIncrement(), recentTools.length());
                recentTools.set(slot, RememberedTools.of(detached(spelled)));
            }
            return tools;
        }

        private ArrayNode spannedArray() throws IOException {
            long start = parser.currentTokenLocation().getByteOffset();
            List<JsonNode> elements = new ArrayList<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                elements.add(value(token));
            }
            long end = parser.currentLocation().getByteOffset(); // just past the closing bracket
            if (start < 0 || end > bodyEnd || body[(int) start] != '[' || body[(int) end - 1] != ']') {
                return nodes.arrayNode().addAll(elements); // not where the offsets say: no span to remember
            }
            return new VerbatimArray(nodes, elements, body, (int) start, (int) end);
        }

        private ObjectNode object() throws IOException {
            ObjectNode object = nodes.objectNode();
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                object.replace(name, value(parser.nextToken()));
            }
            return object;
        }

        private ArrayNode array() throws IOException {
            ArrayNode array = nodes.arrayNode();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                array.add(value(token));
            }
            return array;
        }

        private JsonNode text() throws IOException {
            if (body == null) {
                return nodes.textNode(parser.getText());
            }
            // A body to copy from means our parser. A string spelled otherwise than Jackson writes it (or no JSON) is read
            // Jackson's way, and escaped again when written.
            VerbatimText read = ((BodyParser) parser).readVerbatim(body);
            return read != null ? (JsonNode) read : nodes.textNode(parser.getText());
        }

        private JsonNode integer() throws IOException {
            return switch (parser.getNumberType()) {
                case INT -> nodes.numberNode(parser.getIntValue());
                case LONG -> nodes.numberNode(parser.getLongValue());
                default -> nodes.numberNode(parser.getBigIntegerValue());
            };
        }

        /** As Jackson's tree reader: a double, unless the format knows the number's type (JSON does not). */
        private JsonNode decimal() throws IOException {
            return switch (parser.getNumberTypeFP()) {
                case BIG_DECIMAL -> nodes.numberNode(parser.getDecimalValue());
                case FLOAT32 -> nodes.numberNode(parser.getFloatValue());
                default -> nodes.numberNode(parser.getDoubleValue());
            };
        }
    }
}
