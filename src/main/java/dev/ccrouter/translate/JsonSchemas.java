package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Copies a tool's JSON Schema for an upstream, removing the keywords it rejects (e.g. {@code $schema}) at every
 * depth.
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

    private JsonSchemas() {
    }

    static JsonNode sanitize(JsonNode schema, Set<String> keywordsToStrip, JsonNodeFactory nodes) {
        return sanitize(schema, keywordsToStrip, false, nodes);
    }

    /**
     * @param openApi rewrite for an OpenAPI 3.0 schema (Gemini), which has no type lists and no {@code const}:
     *                {@code "type": ["string", "null"]} becomes {@code "type": "string", "nullable": true} (several
     *                non-null types become an {@code anyOf}), {@code "const": v} becomes {@code "enum": [v]}
     */
    static JsonNode sanitize(JsonNode schema, Set<String> keywordsToStrip, boolean openApi, JsonNodeFactory nodes) {
        if (schema.isObject()) {
            return schemaObject(schema, keywordsToStrip, openApi, nodes);
        }
        if (schema.isArray()) {
            ArrayNode copy = nodes.arrayNode(schema.size());
            for (JsonNode item : schema) {
                copy.add(sanitize(item, keywordsToStrip, openApi, nodes));
            }
            return copy;
        }
        return schema;
    }

    private static ObjectNode schemaObject(JsonNode schema, Set<String> strip, boolean openApi, JsonNodeFactory nodes) {
        ObjectNode copy = nodes.objectNode();
        for (Map.Entry<String, JsonNode> field : schema.properties()) {
            String keyword = field.getKey();
            JsonNode value = field.getValue();
            if (openApi && keyword.equals("type") && value.isArray()) {
                typeList(value, copy, nodes);
                continue;
            }
            if (openApi && keyword.equals("const")) {
                copy.putArray("enum").add(value.deepCopy());
                continue;
            }
            if (strip.contains(keyword)) {
                continue;
            }
            if (DATA_KEYWORDS.contains(keyword)) {
                copy.set(keyword, value.deepCopy());
            } else if (NAME_MAPS.contains(keyword) && value.isObject()) {
                ObjectNode named = copy.putObject(keyword);
                for (Map.Entry<String, JsonNode> entry : value.properties()) {
                    named.set(entry.getKey(), sanitize(entry.getValue(), strip, openApi, nodes));
                }
            } else {
                copy.set(keyword, sanitize(value, strip, openApi, nodes));
            }
        }
        return copy;
    }

    /** A JSON Schema type list in OpenAPI 3.0 terms: one type and {@code nullable}, or an {@code anyOf} of types. */
    private static void typeList(JsonNode types, ObjectNode copy, JsonNodeFactory nodes) {
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
