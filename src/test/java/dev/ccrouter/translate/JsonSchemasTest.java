package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonSchemasTest {

    @Test
    void stripsKeywordsAtEveryDepthButNotNamesOrData() throws JsonProcessingException {
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
                "properties":{"format":{"type":"string"},"$schema":{"type":"string"}},\
                "$defs":{"format":{"type":"string"}},\
                "items":[{}],\
                "anyOf":[{"type":"string"},{"type":"null"}],\
                "additionalProperties":{"type":"string"},\
                "enum":[{"format":"kept","$schema":"kept"}],\
                "default":{"format":"kept"},\
                "required":["format"]}""");
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
}
