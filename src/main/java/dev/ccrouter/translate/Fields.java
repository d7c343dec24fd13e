package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.api.anthropic.VerbatimText;

/**
 * Reads of client JSON. The checked reads, for {@link MessagesRequestShape}, fail with Anthropic's (pydantic) wording,
 * e.g. {@code Field required} or {@code Input should be a valid integer}; the plain ones ({@link #optional},
 * {@link #string}, {@link #flag}) are the translation's, of a body the shape has passed. JSON {@code null} counts as
 * absent everywhere: the SDKs send {@code null} for unset optional fields.
 */
final class Fields {
    static final String REQUIRED = "Field required";
    static final String NOT_STRING = "Input should be a valid string";
    static final String NOT_OBJECT = "Input should be a valid dictionary";
    static final String NOT_LIST = "Input should be a valid list";
    static final String NOT_STRING_OR_LIST = "Input should be a valid string or a valid list";
    static final String NOT_INTEGER = "Input should be a valid integer";
    static final String NOT_NUMBER = "Input should be a valid number";
    static final String NOT_BOOLEAN = "Input should be a valid boolean";

    private Fields() {
    }

    /** The field's value, or null when it is missing or JSON {@code null}. */
    static JsonNode optional(JsonNode owner, String field) {
        JsonNode value = owner.get(field);
        return value == null || value.isNull() ? null : value;
    }

    /** The value of a string field the shape has checked, or null when it is missing. */
    static String string(JsonNode owner, String field) {
        JsonNode value = optional(owner, field);
        return value == null ? null : value.textValue();
    }

    /** The value of a boolean field the shape has checked, false when it is missing. */
    static boolean flag(JsonNode owner, String field) {
        JsonNode value = optional(owner, field);
        return value != null && value.booleanValue();
    }

    static JsonNode required(JsonNode owner, String field) {
        JsonNode value = optional(owner, field);
        if (value == null) {
            throw FieldProblem.at(field, REQUIRED);
        }
        return value;
    }

    static String requiredString(JsonNode owner, String field) {
        return requiredText(owner, field).textValue();
    }

    /**
     * The string node itself, for passing a client's string on: one read from the body keeps its bytes there, which
     * the upstream body copies instead of escaping the string again.
     */
    static JsonNode requiredText(JsonNode owner, String field) {
        JsonNode value = required(owner, field);
        if (!value.isTextual()) {
            throw FieldProblem.at(field, NOT_STRING);
        }
        return value;
    }

    /**
     * Whether a string node holds the empty string, without decoding a client's string to know: a
     * {@link VerbatimText} is never empty, and an {@link dev.ccrouter.api.anthropic.EscapedText} decodes only when
     * read.
     */
    static boolean isEmptyText(JsonNode text) {
        return !(text instanceof VerbatimText) && text.textValue().isEmpty();
    }

    /** Whether a string node's value starts with {@code prefix}, decoding a client's string only if it must. */
    static boolean startsWith(JsonNode text, String prefix) {
        return text instanceof VerbatimText verbatim ? verbatim.startsWith(prefix) : text.asText().startsWith(prefix);
    }

    static String optionalString(JsonNode owner, String field) {
        JsonNode value = optionalText(owner, field);
        return value == null ? null : value.textValue();
    }

    /** The string node itself (see {@link #requiredText}), or null when missing. */
    static JsonNode optionalText(JsonNode owner, String field) {
        JsonNode value = optional(owner, field);
        if (value != null && !value.isTextual()) {
            throw FieldProblem.at(field, NOT_STRING);
        }
        return value;
    }

    static JsonNode requiredObject(JsonNode owner, String field) {
        JsonNode value = required(owner, field);
        if (!value.isObject()) {
            throw FieldProblem.at(field, NOT_OBJECT);
        }
        return value;
    }

    static JsonNode optionalObject(JsonNode owner, String field) {
        JsonNode value = optional(owner, field);
        if (value != null && !value.isObject()) {
            throw FieldProblem.at(field, NOT_OBJECT);
        }
        return value;
    }

    static JsonNode optionalArray(JsonNode owner, String field) {
        JsonNode value = optional(owner, field);
        if (value != null && !value.isArray()) {
            throw FieldProblem.at(field, NOT_LIST);
        }
        return value;
    }

    static long requiredInteger(JsonNode owner, String field) {
        JsonNode value = required(owner, field);
        if (!isInteger(value)) {
            throw FieldProblem.at(field, NOT_INTEGER);
        }
        return value.longValue();
    }

    static JsonNode optionalInteger(JsonNode owner, String field) {
        JsonNode value = optional(owner, field);
        if (value != null && !isInteger(value)) {
            throw FieldProblem.at(field, NOT_INTEGER);
        }
        return value;
    }

    static JsonNode optionalNumber(JsonNode owner, String field) {
        JsonNode value = optional(owner, field);
        if (value != null && !value.isNumber()) {
            throw FieldProblem.at(field, NOT_NUMBER);
        }
        return value;
    }

    /**
     * A number from 0 to 1, as Anthropic takes {@code temperature} and {@code top_p}: a value outside it (1e999,
     * which reads as infinity, among them) is the client's mistake, told in Anthropic's words rather than forwarded
     * for a provider to refuse in its own, or to accept on another scale (OpenAI's temperature goes to 2).
     */
    static JsonNode optionalUnitNumber(JsonNode owner, String field) {
        JsonNode value = optionalNumber(owner, field);
        if (value != null) {
            double number = value.doubleValue();
            if (number < 0) {
                throw FieldProblem.at(field, "Input should be greater than or equal to 0");
            }
            if (!(number <= 1)) { // NaN too
                throw FieldProblem.at(field, "Input should be less than or equal to 1");
            }
        }
        return value;
    }

    static boolean optionalBoolean(JsonNode owner, String field) {
        JsonNode value = optional(owner, field);
        if (value == null) {
            return false;
        }
        if (!value.isBoolean()) {
            throw FieldProblem.at(field, NOT_BOOLEAN);
        }
        return value.booleanValue();
    }

    /** Pydantic's literal-error wording: {@code Input should be 'a', 'b' or 'c'}. */
    static String oneOf(String... literals) {
        StringBuilder text = new StringBuilder("Input should be ");
        for (int i = 0; i < literals.length; i++) {
            if (i > 0) {
                text.append(i == literals.length - 1 ? " or " : ", ");
            }
            text.append('\'').append(literals[i]).append('\'');
        }
        return text.toString();
    }

    /** 32000 and 32000.0 are integers; 1.5, "1" and 1e30 are not. */
    private static boolean isInteger(JsonNode value) {
        return value.isNumber() && value.canConvertToExactIntegral() && value.canConvertToLong();
    }
}
