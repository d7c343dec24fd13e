package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies a tool's JSON Schema for an upstream, removing the keywords it rejects (e.g. {@code $schema}) at every
 * depth, and keeping what those keywords meant where it can:
 * <ul>
 *   <li>a stripped {@code $ref} to a definition of the same schema ({@code #/$defs/Name}, {@code #/definitions/Name}
 *       or any other local pointer) is replaced by the definition itself, so the property keeps its type and its
 *       fields instead of becoming an empty schema; a definition that refers to itself is inlined once per path and
 *       its inner reference dropped, and a schema inlines at most {@value #MAX_INLINED_REFS} references;</li>
 *   <li>a stripped {@code oneOf} becomes an {@code anyOf} where that is kept (the choice stays, the exclusivity
 *       goes), a stripped {@code allOf} is merged into its schema (properties and {@code required} joined);</li>
 *   <li>a stripped constraint with a plain value ({@code multipleOf: 5}, {@code exclusiveMinimum: 0},
 *       {@code uniqueItems: true}, …) is told in the schema's {@code description} — "(exclusiveMinimum: 0)" — so the
 *       model still knows it.</li>
 * </ul>
 *
 * <p>Only keyword positions are stripped: the keys of {@code properties}, {@code $defs} and friends are property and
 * definition <em>names</em> (a property may well be called {@code format}), and {@code enum}, {@code const},
 * {@code default} and {@code examples} hold data, not schemas; both are copied as they are. The copy shares only
 * immutable leaves with the client's tree, so the upstream body can be changed without touching the request.
 */
final class JsonSchemas {
    private static final Set<String> NAME_MAPS =
            Set.of("properties", "patternProperties", "$defs", "definitions", "dependentSchemas");
    private static final Set<String> DATA_KEYWORDS = Set.of("enum", "const", "default", "examples");
    /** Constraints worth telling the model in words when the upstream cannot take them as keywords. */
    private static final Set<String> TOLD_CONSTRAINTS = Set.of("format", "pattern", "const", "enum", "multipleOf",
            "uniqueItems", "exclusiveMinimum", "exclusiveMaximum", "minimum", "maximum", "minLength", "maxLength",
            "minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains");
    /**
     * The {@code format} values Gemini's schema takes: {@code enum} and {@code date-time} for strings ("only 'enum'
     * and 'date-time' are supported for STRING type" otherwise, for the whole request), the numeric ones for numbers.
     */
    private static final Set<String> OPEN_API_FORMATS = Set.of("enum", "date-time", "int32", "int64", "float", "double");
    private static final Set<String> OPEN_API_STRING_FORMATS = Set.of("enum", "date-time");
    /** Bounds what a schema whose definitions refer to one another many times can grow to. */
    static final int MAX_INLINED_REFS = 256;

    private final JsonNode root;
    private final Set<String> strip;
    private final boolean openApi;
    private final JsonNodeFactory nodes;
    private final boolean inlineRefs;
    private final Deque<String> refsBeingInlined = new ArrayDeque<>();
    private int refsInlined;

    private JsonSchemas(JsonNode root, Set<String> strip, boolean openApi, JsonNodeFactory nodes) {
        this.root = root;
        this.strip = strip;
        this.openApi = openApi;
        this.nodes = nodes;
        this.inlineRefs = strip.contains("$ref");
    }

    static JsonNode sanitize(JsonNode schema, Set<String> keywordsToStrip, JsonNodeFactory nodes) {
        return sanitize(schema, keywordsToStrip, false, nodes);
    }

    /**
     * @param openApi rewrite for an OpenAPI 3.0 schema as Gemini reads it, which has no type lists, no
     *                {@code const}, string-only enums and few formats: {@code "type": ["string", "null"]} becomes
     *                {@code "type": "string", "nullable": true} (several non-null types become an {@code anyOf}),
     *                {@code "const": "v"} becomes {@code "enum": ["v"]}; an enum or const with a value that is not a
     *                string ("Invalid value at …enum[0] (TYPE_STRING)"), and a {@code format} outside
     *                {@link #OPEN_API_FORMATS}, are told in the description instead
     */
    static JsonNode sanitize(JsonNode schema, Set<String> keywordsToStrip, boolean openApi, JsonNodeFactory nodes) {
        return new JsonSchemas(schema, keywordsToStrip, openApi, nodes).copy(schema);
    }

    private JsonNode copy(JsonNode schema) {
        if (schema.isObject()) {
            return schemaObject(schema);
        }
        if (schema.isArray()) {
            ArrayNode copy = nodes.arrayNode(schema.size());
            for (JsonNode item : schema) {
                copy.add(copy(item));
            }
            return copy;
        }
        return schema;
    }

    private ObjectNode schemaObject(JsonNode schema) {
        ObjectNode copy = nodes.objectNode();
        List<String> told = new ArrayList<>(0);
        fill(copy, schema, told);
        if (!told.isEmpty()) {
            JsonNode description = copy.get("description");
            String said = description != null && description.isTextual() ? description.asText() + " " : "";
            copy.put("description", said + "(" + String.join("; ", told) + ")");
        }
        return copy;
    }

    /** Copies the schema's keywords into {@code copy}, and adds to {@code told} the constraints to tell in words. */
    private void fill(ObjectNode copy, JsonNode schema, List<String> told) {
        List<JsonNode> merged = List.of();
        JsonNode ref = inlineRefs ? schema.get("$ref") : null;
        if (ref != null && ref.isTextual()) {
            inline(ref.asText(), copy, told);
        }
        for (Map.Entry<String, JsonNode> field : schema.properties()) {
            String keyword = field.getKey();
            JsonNode value = field.getValue();
            if (openApi && keyword.equals("type") && value.isArray()) {
                typeList(value, copy);
            } else if (openApi && (keyword.equals("const") || keyword.equals("enum"))) {
                openApiEnum(keyword, value, copy, told);
            } else if (openApi && keyword.equals("format") && !openApiFormat(schema, value)) {
                tell(keyword, value, told);
            } else if (strip.contains(keyword)) {
                if (keyword.equals("oneOf") && !strip.contains("anyOf") && !schema.has("anyOf")) {
                    copy.set("anyOf", copy(value));
                } else if (keyword.equals("allOf") && value.isArray()) {
                    merged = new ArrayList<>(value.size());
                    for (JsonNode part : value) {
                        if (part.isObject()) { // what the part tells in words follows this schema's description
                            ObjectNode partCopy = nodes.objectNode();
                            fill(partCopy, part, told);
                            merged.add(partCopy);
                        }
                    }
                } else if (TOLD_CONSTRAINTS.contains(keyword)) {
                    tell(keyword, value, told);
                }
            } else if (DATA_KEYWORDS.contains(keyword)) {
                copy.set(keyword, value.deepCopy());
            } else if (NAME_MAPS.contains(keyword) && value.isObject()) {
                ObjectNode named = copy.putObject(keyword);
                for (Map.Entry<String, JsonNode> entry : value.properties()) {
                    named.set(entry.getKey(), copy(entry.getValue()));
                }
            } else {
                copy.set(keyword, copy(value));
            }
        }
        for (JsonNode part : merged) {
            mergeInto(copy, part);
        }
    }

    /**
     * Puts the schema a local reference points at into {@code copy}, before the referring schema's own keywords,
     * which then win (a {@code description} beside a {@code $ref} describes this use of the definition); what the
     * definition's constraints tell in words goes into {@code told}, to follow whichever description wins.
     */
    private void inline(String ref, ObjectNode copy, List<String> told) {
        boolean local = ref.equals("#") || ref.startsWith("#/");
        if (!local || refsBeingInlined.contains(ref) || refsInlined >= MAX_INLINED_REFS) {
            return;
        }
        JsonNode target;
        try {
            target = root.at(ref.substring(1));
        } catch (IllegalArgumentException notAPointer) {
            return;
        }
        if (!target.isObject()) {
            return;
        }
        refsInlined++;
        refsBeingInlined.push(ref);
        try {
            fill(copy, target, told);
        } finally {
            refsBeingInlined.pop();
        }
    }

    /** An {@code allOf} part joined to its schema: properties and required names added, other keywords if absent. */
    private static void mergeInto(ObjectNode copy, JsonNode part) {
        if (!part.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> field : part.properties()) {
            String keyword = field.getKey();
            JsonNode value = field.getValue();
            JsonNode mine = copy.get(keyword);
            if (mine == null) {
                copy.set(keyword, value);
            } else if (keyword.equals("properties") && mine.isObject() && value.isObject()) {
                for (Map.Entry<String, JsonNode> property : value.properties()) {
                    ((ObjectNode) mine).putIfAbsent(property.getKey(), property.getValue());
                }
            } else if (keyword.equals("required") && mine.isArray() && value.isArray()) {
                for (JsonNode name : value) {
                    if (!contains(mine, name)) {
                        ((ArrayNode) mine).add(name);
                    }
                }
            }
        }
    }

    private static boolean contains(JsonNode array, JsonNode item) {
        for (JsonNode element : array) {
            if (element.equals(item)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether Gemini takes this format on this schema: on a string only {@code enum} and {@code date-time} (Google's
     * APIs write 64-bit integers as strings with {@code format: int64}, which Gemini refuses there).
     */
    private static boolean openApiFormat(JsonNode schema, JsonNode format) {
        JsonNode type = schema.get("type");
        boolean string = type != null && (type.isTextual() ? type.asText().equals("string")
                : type.isArray() && contains(type, JsonNodeFactory.instance.textNode("string")));
        return format.isTextual() && (string ? OPEN_API_STRING_FORMATS : OPEN_API_FORMATS).contains(format.asText());
    }

    /** Gemini's enum is a list of strings: a const or enum of strings stays an enum, any other is told. */
    private void openApiEnum(String keyword, JsonNode value, ObjectNode copy, List<String> told) {
        boolean strings = keyword.equals("const") ? value.isTextual() : value.isArray() && allTextual(value);
        if (!strings || strip.contains(keyword)) {
            tell(keyword, value, told);
        } else if (keyword.equals("const")) {
            copy.putArray("enum").add(value.deepCopy());
        } else {
            copy.set("enum", value.deepCopy());
        }
    }

    private static boolean allTextual(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    /** A constraint dropped from the schema, kept in words: {@code format: uri}, {@code enum: [1,2,3]}. */
    private static void tell(String keyword, JsonNode value, List<String> told) {
        if (value.isValueNode() || keyword.equals("enum") && value.isArray() && allValues(value)) {
            told.add(keyword + ": " + (value.isTextual() ? value.asText() : value.toString()));
        }
    }

    private static boolean allValues(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isValueNode()) {
                return false;
            }
        }
        return true;
    }

    /** A JSON Schema type list in OpenAPI 3.0 terms: one type and {@code nullable}, or an {@code anyOf} of types. */
    private void typeList(JsonNode types, ObjectNode copy) {
        List<String> concrete = new ArrayList<>();
        boolean nullable = false;
        for (JsonNode type : types) {
            if ("null".equals(type.asText())) {
                nullable = true;
            } else {
                concrete.add(type.asText());
            }
        }
        if (concrete.size() == 1) {
            copy.put("type", concrete.getFirst());
        } else if (concrete.size() > 1) {
            ArrayNode anyOf = copy.putArray("anyOf");
            concrete.forEach(type -> anyOf.addObject().put("type", type));
        }
        if (nullable) {
            copy.put("nullable", true);
        }
    }
}
