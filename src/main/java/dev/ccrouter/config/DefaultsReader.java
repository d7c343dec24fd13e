package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * Reads the embedded defaults ({@code defaults.yaml}) without the YAML engine: its first parse was a fifth of the
 * main thread's work at start (the engine's resolver and scanner run cold), and the defaults use only a sliver of
 * YAML — nested maps by indentation, plain and {@code ""}-quoted scalars, whole-number and true/false values, the
 * empty {@code []} and {@code {}}, and comments. Anything beyond that sliver is refused with its line, never guessed;
 * {@code DefaultsReaderTest} holds the result equal to the YAML engine's reading of the same file. A user's
 * configuration file is still read by the engine ({@link ConfigFiles}).
 */
final class DefaultsReader {
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]+");
    /**
     * Plain scalars YAML would read as something other than text (null, booleans in any spelling, numbers in any
     * notation), or whose syntax this reader does not cover (flow collections, anchors, tags, block scalars, quotes).
     */
    private static final Pattern NOT_PLAIN_TEXT = Pattern.compile("(?i)null|~|y|n|yes|no|on|off|true|false"
            + "|[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)(e[-+]?[0-9]+)?|[-+]?0[xob].*|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+.*"
            + "|[-+]?\\.(inf|nan)|[\\[\\]{}&*!|>%@`'\",?#-].*|.*: .*|.*:");

    private final String source;

    private DefaultsReader(String source) {
        this.source = source;
    }

    /** The defaults as the tree the YAML engine would give. */
    static ObjectNode read(String yaml, String source) {
        return new DefaultsReader(source).read(yaml);
    }

    private record Level(int indent, ObjectNode map) {
    }

    /** A {@code key:} with nothing after it: a map if deeper lines follow, else null (as YAML has it). */
    private record OpenKey(int indent, ObjectNode parent, String key) {
    }

    private ObjectNode read(String yaml) {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        Deque<Level> levels = new ArrayDeque<>();
        levels.push(new Level(0, root));
        OpenKey open = null;
        String[] lines = yaml.split("\n", -1);
        for (int number = 1; number <= lines.length; number++) {
            String line = withoutComment(lines[number - 1]).stripTrailing();
            if (line.isBlank()) {
                continue;
            }
            int indent = indentOf(line, number);
            if (open != null && indent > open.indent()) {
                levels.push(new Level(indent, open.parent().putObject(open.key())));
            }
            open = null;
            while (indent < levels.peek().indent()) {
                levels.pop();
            }
            if (indent != levels.peek().indent()) {
                throw unsupported(number, "an indentation that matches no enclosing key");
            }
            String entry = line.substring(indent);
            int colon = entry.indexOf(": ");
            if (colon < 0 && entry.endsWith(":")) {
                colon = entry.length() - 1;
            }
            if (colon <= 0) {
                throw unsupported(number, "a line that is not 'key: value'");
            }
            String key = entry.substring(0, colon);
            String value = entry.substring(colon + 1).strip();
            if (!key.equals(key.strip()) || NOT_PLAIN_TEXT.matcher(key).matches()) {
                throw unsupported(number, "the key '" + key + "'");
            }
            ObjectNode map = levels.peek().map();
            if (map.has(key)) {
                throw unsupported(number, "the key '" + key + "' twice");
            }
            if (value.isEmpty()) {
                map.putNull(key);
                open = new OpenKey(indent, map, key);
            } else {
                map.set(key, scalar(value, number));
            }
        }
        return root;
    }

    private JsonNode scalar(String value, int number) {
        if (value.equals("\"\"") || value.equals("''")) {
            return TextNode.valueOf("");
        }
        if (value.equals("[]")) {
            return JsonNodeFactory.instance.arrayNode();
        }
        if (value.equals("{}")) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (value.equals("true") || value.equals("false")) {
            return BooleanNode.valueOf(value.equals("true"));
        }
        if (WHOLE_NUMBER.matcher(value).matches() && !(value.startsWith("0") && value.length() > 1)
                && !value.startsWith("-0")) {
            long whole = Long.parseLong(value);
            return whole == (int) whole ? IntNode.valueOf((int) whole) : LongNode.valueOf(whole);
        }
        if (NOT_PLAIN_TEXT.matcher(value).matches()) {
            throw unsupported(number, "the value '" + value + "'");
        }
        return TextNode.valueOf(value);
    }

    /** A {@code #} starts a comment at the line's start or after a blank (YAML's rule outside quotes). */
    private static String withoutComment(String line) {
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) == '#' && (i == 0 || line.charAt(i - 1) == ' ')) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private int indentOf(String line, int number) {
        int indent = 0;
        while (line.charAt(indent) == ' ') {
            indent++;
        }
        if (line.charAt(indent) == '\t') {
            throw unsupported(number, "a tab in the indentation");
        }
        return indent;
    }

    private IllegalStateException unsupported(int line, String what) {
        return new IllegalStateException("the embedded defaults " + source + " use YAML beyond what their reader takes"
                + " (line " + line + ": " + what + "); keep to nested keys, plain, \"\" and whole-number values, [] and {}");
    }
}
