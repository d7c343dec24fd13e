package dev.ccrouter.translate;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Turns an OpenAI {@code function.arguments} string into the JSON object Anthropic's {@code tool_use.input} must be.
 * Models emit broken JSON now and then (cut off by {@code max_tokens}, wrapped in a code fence, a trailing comma);
 * a broken input makes the client's SDK fail the whole message, so it is repaired where the intent is clear and
 * otherwise handed to the tool as {@code {"_invalid_arguments": "<raw>"}} — never silently replaced by {@code {}}, so
 * the tool reports the problem to the model, which can try again.
 */
final class ToolArguments {
    static final String INVALID_FIELD = "_invalid_arguments";

    private final ObjectMapper json;

    ToolArguments(ObjectMapper json) {
        this.json = json;
    }

    ObjectNode parse(String raw) {
        String text = raw == null ? "" : raw.strip();
        if (text.isEmpty()) {
            return json.createObjectNode();
        }
        JsonNode value = tryParse(text);
        if (value != null && value.isNull()) {
            // No arguments, said as JSON null: vLLM's tool parsers write a model's "arguments": null (or none at all)
            // through json.dumps, as the string "null".
            return json.createObjectNode();
        }
        ObjectNode parsed = asObject(value);
        if (parsed == null) {
            parsed = asObject(tryParse(repair(stripCodeFence(text))));
        }
        if (parsed != null) {
            return parsed;
        }
        ObjectNode invalid = json.createObjectNode();
        invalid.put(INVALID_FIELD, raw);
        return invalid;
    }

    /** Whether the arguments gathered so far are one whole JSON object, as they are once a call is complete. */
    boolean isCompleteObject(CharSequence raw) {
        String text = raw.toString().strip();
        return text.endsWith("}") && tryParse(text) instanceof ObjectNode;
    }

    /** An object as is; a JSON string that itself holds an object (double-encoded arguments) unwrapped. */
    private ObjectNode asObject(JsonNode node) {
        if (node instanceof ObjectNode object) {
            return object;
        }
        if (node != null && node.isTextual()) {
            JsonNode inner = tryParse(node.asText().strip());
            return inner instanceof ObjectNode object ? object : null;
        }
        return null;
    }

    /**
     * The value the text holds, or null when it holds none, or two: some models (Gemini among them) pack parallel calls
     * into one call's arguments as {@code {…}{…}}, and taking the first would drop the others without a word. Anything
     * else after the value (a stray closing brace) is let be, as models add one now and then.
     */
    private JsonNode tryParse(String text) {
        try (JsonParser parser = json.createParser(text)) {
            JsonNode value = json.readTree(parser);
            return anotherValueFollows(parser) ? null : value;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean anotherValueFollows(JsonParser parser) {
        try {
            JsonToken next = parser.nextToken();
            return next != null && next != JsonToken.END_OBJECT && next != JsonToken.END_ARRAY;
        } catch (IOException strayCharacters) {
            return false;
        }
    }

    private static String stripCodeFence(String text) {
        if (!text.startsWith("```")) {
            return text;
        }
        int firstLineEnd = text.indexOf('\n');
        int close = text.lastIndexOf("```");
        if (firstLineEnd < 0 || close <= firstLineEnd) {
            return text;
        }
        return text.substring(firstLineEnd + 1, close).strip();
    }

    /**
     * Completes JSON that was cut off: closes an open string, drops a dangling comma or an object key that never got
     * its colon, gives a dangling colon a {@code null} value, closes open brackets in order, and removes trailing
     * commas before a closing bracket.
     */
    static String repair(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        Deque<Character> open = new ArrayDeque<>();
        boolean inString = false;
        boolean escaped = false;
        boolean expectKey = false;
        int keyStart = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                out.append(c);
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> {
                    inString = true;
                    if (expectKey) {
                        keyStart = out.length();
                        expectKey = false;
                    }
                }
                case '{' -> {
                    open.push('}');
                    expectKey = true;
                }
                case '[' -> open.push(']');
                case ',' -> expectKey = !open.isEmpty() && open.peek() == '}';
                case ':' -> keyStart = -1;
                case '}', ']' -> {
                    dropTrailing(out, ',');
                    if (!open.isEmpty()) {
                        open.pop();
                    }
                    expectKey = false;
                    keyStart = -1;
                }
                default -> { }
            }
            out.append(c);
        }
        if (keyStart >= 0) {
            // Cut off in or right after an object key: the key has no value, so it goes.
            out.setLength(keyStart);
            inString = false;
        }
        if (inString) {
            if (escaped) {
                out.setLength(out.length() - 1);
            }
            out.append('"');
        }
        dropTrailing(out, ',');
        if (endsWith(out, ':')) {
            out.append("null");
        }
        while (!open.isEmpty()) {
            out.append(open.pop());
        }
        return out.toString();
    }

    private static void dropTrailing(StringBuilder out, char c) {
        int end = out.length();
        while (end > 0 && Character.isWhitespace(out.charAt(end - 1))) {
            end--;
        }
        if (end > 0 && out.charAt(end - 1) == c) {
            out.setLength(end - 1);
        }
    }

    private static boolean endsWith(StringBuilder out, char c) {
        int end = out.length();
        while (end > 0 && Character.isWhitespace(out.charAt(end - 1))) {
            end--;
        }
        return end > 0 && out.charAt(end - 1) == c;
    }
}
