package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.regex.Pattern;

/**
 * The sliver of YAML the embedded files keep to, shared by their readers ({@link DefaultsReader} for the defaults,
 * {@code route.PresetTree} for the presets), which read them without the YAML engine at start: a line's comment, its
 * {@code key: value}, and the scalars both take. Each reader refuses, with its line, whatever this does not read.
 */
public final class YamlSliver {
    private static final Pattern WHOLE_NUMBER = Pattern.compile("-?[0-9]+");
    /**
     * Plain scalars YAML would read as something other than text (null, booleans in any spelling, numbers in any
     * notation), or whose syntax is beyond the sliver (flow collections, anchors, tags, block scalars, quotes).
     */
    private static final Pattern NOT_PLAIN_TEXT = Pattern.compile("(?i)null|~|y|n|yes|no|on|off|true|false"
            + "|[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9_]*)?)(e[-+]?[0-9]+)?|[-+]?0[xob].*|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+.*"
            + "|[-+]?\\.(inf|nan)|[\\[\\]{}&*!|>%@`'\",?#-].*|.*: .*|.*:");

    private YamlSliver() {
    }

    /** A line's {@code key: value}; the value is empty for {@code key:}. */
    public record Entry(String key, String value) {
    }

    /** The line (without its indentation) as {@code key: value}, or null when it is not one with a plain key. */
    public static Entry entry(String line) {
        int colon = line.indexOf(": ");
        if (colon < 0 && line.endsWith(":")) {
            colon = line.length() - 1;
        }
        if (colon <= 0) {
            return null;
        }
        String key = line.substring(0, colon);
        return key.equals(key.strip()) && !NOT_PLAIN_TEXT.matcher(key).matches()
                ? new Entry(key, line.substring(colon + 1).strip()) : null;
    }

    /**
     * The scalar as the YAML engine reads it: {@code ""}, {@code []}, {@code {}}, true/false, a whole number without
     * leading zeros, or plain text; null for anything else.
     */
    public static JsonNode scalar(String value) {
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
                && !value.startsWith("-0") && value.length() < 19) {
            long whole = Long.parseLong(value);
            return whole == (int) whole ? IntNode.valueOf((int) whole) : LongNode.valueOf(whole);
        }
        return value.isEmpty() || NOT_PLAIN_TEXT.matcher(value).matches() ? null : TextNode.valueOf(value);
    }

    /** A {@code #} starts a comment at the line's start or after a blank, outside double quotes. */
    public static String withoutComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            quoted ^= c == '"';
            if (c == '#' && !quoted && (i == 0 || line.charAt(i - 1) == ' ')) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
