package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {

    @Test
    void stripsKeywordsAtEveryDepthButNotNamesOrDataAndTellsAStrippedConstraint() throws JsonProcessingException {
        JsonNode schema = RequestFixtures.JSON.readTree("""
                {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "format": "custom",
                 "properties": {"format": {"type": "string", "format": "uri", "$schema": "x"}, "$schema": {"type": "string"}},
                 "$defs": {"format": {"type": "string", "format": "date"}},
                 "items": [{"format": "a"}],
                 "anyOf": [{"type": "string", "format": "email"}, {"type": "null"}],
                 "additionalProperties": {"type": "string", "format": "uuid"},
                 "enum": [{"format": "kept", "$schema": "kept"}],
                 "default": {"format": "kept"},
                 "required": ["format"]}""");

        JsonNode sanitized = JsonSchemas.sanitize(schema, Set.of("$schema", "format"), RequestFixtures.JSON.getNodeFactory());

        assertThat(sanitized.toString()).isEqualTo("""
                {"type":"object",\
                "properties":{"format":{"type":"string","description":"(format: uri)"},"$schema":{"type":"string"}},\
                "$defs":{"format":{"type":"string","description":"(format: date)"}},\
                "items":[{"description":"(format: a)"}],\
                "anyOf":[{"type":"string","description":"(format: email)"},{"type":"null"}],\
                "additionalProperties":{"type":"string","description":"(format: uuid)"},\
                "enum":[{"format":"kept","$schema":"kept"}],\
                "default":{"format":"kept"},\
                "required":["format"],\
                "description":"(format: custom)"}""");
    }

    @Test
    void copiesEvenWithNothingToStrip() throws JsonProcessingException {
        JsonNode schema = RequestFixtures.JSON.readTree("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\"}}}");

        JsonNode copy = JsonSchemas.sanitize(schema, Set.of(), RequestFixtures.JSON.getNodeFactory());

        assertThat(copy).isEqualTo(schema).isNotSameAs(schema);
        assertThat(copy.get("properties")).isNotSameAs(schema.get("properties"));
    }

    @Test
    void forOpenApiSchemasTypeListsBecomeNullableAndConstBecomesAnEnum() throws JsonProcessingException {
        JsonNode schema = RequestFixtures.JSON.readTree("""
                {"type": "object", "properties": {
                   "path": {"type": ["string", "null"]},
                   "mode": {"const": "fast"},
                   "count": {"type": ["integer", "string"]},
                   "type": {"type": "string"}}}""");

        JsonNode openApi = JsonSchemas.sanitize(schema, java.util.Set.of(), true, RequestFixtures.JSON.getNodeFactory());
        JsonNode plain = JsonSchemas.sanitize(schema, java.util.Set.of(), false, RequestFixtures.JSON.getNodeFactory());

        assertThat(openApi.toString()).isEqualTo("{\"type\":\"object\",\"properties\":{"
                + "\"path\":{\"type\":\"string\",\"nullable\":true},"
                + "\"mode\":{\"enum\":[\"fast\"]},"
                + "\"count\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]},"
                + "\"type\":{\"type\":\"string\"}}}");
        assertThat(plain).isEqualTo(schema);
    }

    /** Gemini's full strip list, as the preset has it. */
    private static final Set<String> GEMINI_STRIP = Set.of("$schema", "$id", "$comment", "$ref", "$defs", "definitions",
            "additionalProperties", "patternProperties", "propertyNames", "unevaluatedProperties", "unevaluatedItems",
            "dependentRequired", "dependentSchemas", "if", "then", "else", "not", "exclusiveMinimum", "exclusiveMaximum",
            "multipleOf", "uniqueItems", "contains", "prefixItems", "examples", "allOf", "oneOf");

    private static String gemini(String schema) throws JsonProcessingException {
        return JsonSchemas.sanitize(RequestFixtures.JSON.readTree(schema), GEMINI_STRIP, true,
                RequestFixtures.JSON.getNodeFactory()).toString();
    }

    @Test
    void forGeminiAStringFormatOtherThanDateTimeIsToldInTheDescription() throws JsonProcessingException {
        // Claude Code's WebFetch: "format: uri" fails every request at Gemini ("only 'enum' and 'date-time' are
        // supported for STRING type")
        assertThat(gemini("""
                {"type": "object", "properties": {
                   "url": {"type": "string", "description": "The URL to fetch content from", "format": "uri"},
                   "when": {"type": "string", "format": "date-time"},
                   "mail": {"type": "string", "format": "email"},
                   "count": {"type": "integer", "format": "int64"}}}"""))
                .isEqualTo("{\"type\":\"object\",\"properties\":{"
                        + "\"url\":{\"type\":\"string\",\"description\":\"The URL to fetch content from (format: uri)\"},"
                        + "\"when\":{\"type\":\"string\",\"format\":\"date-time\"},"
                        + "\"mail\":{\"type\":\"string\",\"description\":\"(format: email)\"},"
                        + "\"count\":{\"type\":\"integer\",\"format\":\"int64\"}}}");
    }

    @Test
    void forGeminiANumericFormatOnAStringIsToldInTheDescription() throws JsonProcessingException {
        // Google's own APIs write 64-bit integers as strings with "format": "int64": on a STRING, Gemini takes only
        // 'enum' and 'date-time' and refuses the whole request
        assertThat(gemini("""
                {"type": "object", "properties": {
                   "id": {"type": "string", "format": "int64"},
                   "size": {"type": ["string", "null"], "format": "double"},
                   "count": {"type": "integer", "format": "int32"}}}"""))
                .isEqualTo("{\"type\":\"object\",\"properties\":{"
                        + "\"id\":{\"type\":\"string\",\"description\":\"(format: int64)\"},"
                        + "\"size\":{\"type\":\"string\",\"nullable\":true,\"description\":\"(format: double)\"},"
                        + "\"count\":{\"type\":\"integer\",\"format\":\"int32\"}}}");
    }

    @Test
    void forGeminiEnumsAreStringsAndOtherValuesAreToldInTheDescription() throws JsonProcessingException {
        assertThat(gemini("""
                {"type": "object", "properties": {
                   "level": {"type": "integer", "enum": [0, 1, 2], "description": "How deep"},
                   "mode": {"type": "string", "enum": ["fast", "slow"]},
                   "kind": {"const": "file"},
                   "version": {"const": 2}}}"""))
                .isEqualTo("{\"type\":\"object\",\"properties\":{"
                        + "\"level\":{\"type\":\"integer\",\"description\":\"How deep (enum: [0,1,2])\"},"
                        + "\"mode\":{\"type\":\"string\",\"enum\":[\"fast\",\"slow\"]},"
                        + "\"kind\":{\"enum\":[\"file\"]},"
                        + "\"version\":{\"description\":\"(const: 2)\"}}}");
    }

    @Test
    void aStrippedConstraintIsToldInTheDescription() throws JsonProcessingException {
        // Zod's .positive() and friends: Gemini refuses the keywords, the model should still know the rule
        assertThat(gemini("""
                {"type": "object", "additionalProperties": false, "properties": {
                   "n": {"type": "integer", "exclusiveMinimum": 0, "multipleOf": 5, "description": "Batch size"},
                   "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true}}}"""))
                .isEqualTo("{\"type\":\"object\",\"properties\":{"
                        + "\"n\":{\"type\":\"integer\",\"description\":\"Batch size (exclusiveMinimum: 0; multipleOf: 5)\"},"
                        + "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"description\":\"(uniqueItems: true)\"}}}");
    }

    @Test
    void aStrippedRefIsReplacedByItsDefinition() throws JsonProcessingException {
        // what pydantic and zod-to-json-schema write for a shared type: without inlining, "from" and "to" were
        // empty schemas and the model guessed their shape
        assertThat(gemini("""
                {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
                 "properties": {
                   "from": {"$ref": "#/$defs/Point"},
                   "to": {"$ref": "#/definitions/Point", "description": "Where it ends"},
                   "via": {"type": "array", "items": {"$ref": "#/$defs/Point"}},
                   "elsewhere": {"$ref": "https://example.com/schemas/point.json"}},
                 "$defs": {"Point": {"type": "object", "description": "A point",
                                     "properties": {"x": {"type": "number"}, "y": {"type": "number"}},
                                     "required": ["x", "y"], "additionalProperties": false}},
                 "definitions": {"Point": {"$ref": "#/$defs/Point"}}}"""))
                .isEqualTo("{\"type\":\"object\",\"properties\":{"
                        + "\"from\":{\"type\":\"object\",\"description\":\"A point\",\"properties\":{\"x\":{\"type\":\"number\"},\"y\":{\"type\":\"number\"}},\"required\":[\"x\",\"y\"]},"
                        + "\"to\":{\"type\":\"object\",\"description\":\"Where it ends\",\"properties\":{\"x\":{\"type\":\"number\"},\"y\":{\"type\":\"number\"}},\"required\":[\"x\",\"y\"]},"
                        + "\"via\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"description\":\"A point\",\"properties\":{\"x\":{\"type\":\"number\"},\"y\":{\"type\":\"number\"}},\"required\":[\"x\",\"y\"]}},"
                        + "\"elsewhere\":{}}}");
    }

    @Test
    void whatAnInlinedDefinitionToldStaysBesideTheReferencesOwnDescription() throws JsonProcessingException {
        // pydantic: a field of an IntEnum type with a description is a $ref beside that description
        assertThat(gemini("""
                {"type": "object", "properties": {
                   "level": {"$ref": "#/$defs/Level", "description": "How deep to look"},
                   "size": {"$ref": "#/$defs/Size", "description": "Batch size"}},
                 "$defs": {"Level": {"type": "integer", "enum": [1, 2, 3], "title": "Level"},
                           "Size": {"type": "integer", "exclusiveMinimum": 0}}}"""))
                .isEqualTo("{\"type\":\"object\",\"properties\":{"
                        + "\"level\":{\"type\":\"integer\",\"title\":\"Level\",\"description\":\"How deep to look (enum: [1,2,3])\"},"
                        + "\"size\":{\"type\":\"integer\",\"description\":\"Batch size (exclusiveMinimum: 0)\"}}}");
    }

    @Test
    void whatAnAllOfPartToldStaysBesideTheSchemasOwnDescription() throws JsonProcessingException {
        // pydantic 1: a field of an enum type with a description is an allOf of the $ref beside that description
        assertThat(gemini("""
                {"type": "object", "properties": {
                   "mode": {"title": "Mode", "description": "The mode", "allOf": [{"$ref": "#/definitions/Mode"}]}},
                 "definitions": {"Mode": {"title": "Mode", "description": "An enumeration.", "enum": [1, 2],
                                          "type": "integer"}}}"""))
                .isEqualTo("{\"type\":\"object\",\"properties\":{"
                        + "\"mode\":{\"title\":\"Mode\",\"description\":\"The mode (enum: [1,2])\",\"type\":\"integer\"}}}");
    }

    @Test
    void aDefinitionThatRefersToItselfIsInlinedOncePerPath() throws JsonProcessingException {
        assertThat(gemini("""
                {"type": "object", "properties": {"root": {"$ref": "#/$defs/Node"}},
                 "$defs": {"Node": {"type": "object", "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}}}}}"""))
                .isEqualTo("{\"type\":\"object\",\"properties\":{\"root\":{\"type\":\"object\",\"properties\":{"
                        + "\"name\":{\"type\":\"string\"},"
                        + "\"children\":{\"type\":\"array\",\"items\":{}}}}}}");
    }

    @Test
    void referencesThatMultiplyAreInlinedUpToABound() throws JsonProcessingException {
        // each level refers to the next twice: 2^12 references if all were inlined
        StringBuilder defs = new StringBuilder();
        for (int level = 0; level < 12; level++) {
            defs.append("\"L").append(level).append("\": {\"type\": \"object\", \"properties\": {")
                    .append("\"a\": {\"$ref\": \"#/$defs/L").append(level + 1).append("\"},")
                    .append("\"b\": {\"$ref\": \"#/$defs/L").append(level + 1).append("\"}}},");
        }
        defs.append("\"L12\": {\"type\": \"string\"}");
        String sanitized = gemini("{\"$ref\": \"#/$defs/L0\", \"$defs\": {" + defs + "}}");

        int objects = sanitized.split("\"type\":\"object\"", -1).length - 1;
        int strings = sanitized.split("\"type\":\"string\"", -1).length - 1;
        assertThat(objects + strings).isEqualTo(JsonSchemas.MAX_INLINED_REFS);
    }

    @Test
    void aStrippedOneOfBecomesAnAnyOfAndAStrippedAllOfIsMerged() throws JsonProcessingException {
        assertThat(gemini("""
                {"type": "object",
                 "properties": {"target": {"oneOf": [{"type": "string"}, {"type": "integer"}]}},
                 "required": ["target"],
                 "allOf": [{"properties": {"dry_run": {"type": "boolean"}}, "required": ["dry_run"]},
                           {"properties": {"target": {"type": "number"}}, "required": ["target"], "title": "Job"}]}"""))
                .isEqualTo("{\"type\":\"object\","
                        + "\"properties\":{\"target\":{\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]},\"dry_run\":{\"type\":\"boolean\"}},"
                        + "\"required\":[\"target\",\"dry_run\"],\"title\":\"Job\"}");
    }
}
