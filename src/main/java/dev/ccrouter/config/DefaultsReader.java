package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Reads the embedded defaults ({@code defaults.yaml}) without the YAML engine: its first parse was a fifth of the
 * main thread's work at start (the engine's resolver and scanner run cold), and the defaults use only a sliver of
 * YAML — nested maps by indentation, plain and {@code ""}-quoted scalars, whole-number and true/false values, the
 * empty {@code []} and {@code {}}, and comments. Anything beyond that sliver is refused with its line, never guessed;
 * {@code DefaultsReaderTest} holds the result equal to the YAML engine's reading of the same file. A user's
 * configuration file is still read by the engine ({@link ConfigFiles}).
 */
final class DefaultsReader {
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
            String line = YamlSliver.withoutComment(lines[number - 1]).stripTrailing();
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
            YamlSliver.Entry entry = YamlSliver.entry(line.substring(indent));
            if (entry == null) {
                throw unsupported(number, "a line that is not 'key: value' with a plain key");
            }
            String key = entry.key();
            String value = entry.value();
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
        JsonNode scalar = YamlSliver.scalar(value);
        if (scalar == null) {
            throw unsupported(number, "the value '" + value + "'");
        }
        return scalar;
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
