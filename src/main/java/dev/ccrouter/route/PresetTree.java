package dev.ccrouter.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.ccrouter.config.YamlSliver;
import dev.ccrouter.translate.Dialect;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Reads a built-in preset file ({@code ccrouter/presets/<name>.yaml}) without the YAML engine or databind, whose
 * first use (the engine's scanner, databind's introspection of {@link Preset}) was a large part of the start's main
 * thread. The files keep to a sliver of YAML: nested maps by indentation, a block list of maps ({@code models}),
 * flow lists of scalars, plain and {@code "…"} scalars, whole numbers, true/false and comments; anything else is
 * refused with its line. {@code PresetFilesTest} holds the tree equal to the YAML engine's for every shipped file.
 * Then the tree is bound strictly: an unknown key or a misspelt value fails, naming it.
 */
final class PresetTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> CAPABILITIES = Set.of("cache_control", "cache_ttl", "auto_cache_breakpoints",
            "max_output_tokens", "context_window", "tool_name_limit", "schema_keywords_to_strip",
            "stop_sequence_limit", "image_input", "pdf_input", "tool_call_ids", "parallel_tool_calls", "forced_tool_choice",
            "nullable_types", "reasoning_efforts", "reasoning_request", "think_opened_in_prompt");

    private final String source;

    private PresetTree(String source) {
        this.source = source;
    }

    /** The preset this file describes. */
    static Preset preset(String yaml, String source) {
        PresetTree reader = new PresetTree(source);
        return reader.bind(reader.tree(yaml));
    }

    /** The file as the tree the YAML engine would give. */
    static ObjectNode tree(String yaml, String source) {
        return new PresetTree(source).tree(yaml);
    }

    private record Level(int indent, ObjectNode map) {
    }

    private ObjectNode tree(String yaml) {
        ObjectNode root = NODES.objectNode();
        Deque<Level> levels = new ArrayDeque<>();
        levels.push(new Level(0, root));
        String openKey = null;
        String[] lines = yaml.split("\n", -1);
        for (int number = 1; number <= lines.length; number++) {
            String line = YamlSliver.withoutComment(lines[number - 1]).stripTrailing();
            if (line.isBlank()) {
                continue;
            }
            // A flow list may go on over the next lines until its ']'.
            for (int first = number; line.contains(": [") && !line.endsWith("]"); ) {
                if (number == lines.length) {
                    throw unsupported(first, "a list that is not closed");
                }
                line = line + " " + YamlSliver.withoutComment(lines[number++]).strip();
            }
            int indent = line.length() - line.stripLeading().length();
            if (line.substring(0, indent).indexOf('\t') >= 0) {
                throw unsupported(number, "a tab in the indentation");
            }
            String entry = line.substring(indent);
            if (entry.startsWith("- ")) {
                // An item of the list under the key just opened, or under the one the previous item belongs to.
                while (levels.peek().indent() > indent) {
                    levels.pop();
                }
                ObjectNode parent = levels.peek().map();
                String key = openKey != null ? openKey : lastKey(parent);
                JsonNode list = key == null ? null : parent.get(key);
                if (list == null || !(list.isNull() || list.isArray()) || levels.peek().indent() >= indent) {
                    throw unsupported(number, "a list item that follows no key");
                }
                ArrayNode items = list.isArray() ? (ArrayNode) list : parent.putArray(key);
                ObjectNode item = items.addObject();
                levels.push(new Level(indent + 2, item));
                openKey = entry(item, entry.substring(2), number);
                continue;
            }
            if (openKey != null && indent > levels.peek().indent()) {
                levels.push(new Level(indent, levels.peek().map().putObject(openKey)));
            }
            while (indent < levels.peek().indent()) {
                levels.pop();
            }
            if (indent != levels.peek().indent()) {
                throw unsupported(number, "an indentation that matches no enclosing key");
            }
            openKey = entry(levels.peek().map(), entry, number);
        }
        return root;
    }

    /** One {@code key: value} into the map; the key when it has no value yet (a map or a list may follow). */
    private String entry(ObjectNode map, String line, int number) {
        YamlSliver.Entry entry = YamlSliver.entry(line);
        if (entry == null || map.has(entry.key())) {
            throw unsupported(number, "a line that is not 'key: value' with a plain key of its own");
        }
        if (entry.value().isEmpty()) {
            map.putNull(entry.key());
            return entry.key();
        }
        map.set(entry.key(), entry.value().startsWith("[") ? flowList(entry.value(), number)
                : scalar(entry.value(), number));
        return null;
    }

    private static String lastKey(ObjectNode map) {
        String last = null;
        for (var names = map.fieldNames(); names.hasNext(); ) {
            last = names.next();
        }
        return last;
    }

    private ArrayNode flowList(String value, int number) {
        if (!value.endsWith("]")) {
            throw unsupported(number, "the value '" + value + "'");
        }
        ArrayNode list = NODES.arrayNode();
        String inside = value.substring(1, value.length() - 1).strip();
        if (inside.isEmpty()) {
            return list;
        }
        for (String item : inside.split(",", -1)) {
            list.add(scalar(item.strip(), number));
        }
        return list;
    }

    /** A scalar of the sliver ({@link YamlSliver#scalar}), or text in double quotes without escapes. */
    private JsonNode scalar(String value, int number) {
        if (value.length() > 2 && value.startsWith("\"") && value.endsWith("\"")) {
            String text = value.substring(1, value.length() - 1);
            if (text.indexOf('"') < 0 && text.indexOf('\\') < 0) {
                return TextNode.valueOf(text);
            }
        }
        JsonNode scalar = YamlSliver.scalar(value);
        if (scalar == null || scalar.isContainerNode()) {
            throw unsupported(number, "the value '" + value + "'");
        }
        return scalar;
    }

    private IllegalStateException unsupported(int line, String what) {
        return new IllegalStateException("the preset " + source + " uses YAML beyond what its reader takes (line "
                + line + ": " + what + "); keep to nested keys, a list of maps, [] lists, plain, \"\" and whole-number "
                + "values");
    }

    private Preset bind(ObjectNode tree) {
        known(tree, "", Set.of("description", "base_url", "anthropic_base_url", "anthropic_auth", "protocol", "auth",
                "prices", "generation_stats", "dialect", "capabilities", "models"));
        List<Preset.ModelSpec> models = null;
        if (present(tree.get("models"))) {
            JsonNode list = tree.get("models");
            if (!list.isArray()) {
                throw invalid("models", "a list", list);
            }
            models = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                models.add(model(list.get(i), "models[" + i + "]"));
            }
        }
        return new Preset(text(tree, "description", ""), uri(tree, "base_url"), uri(tree, "anthropic_base_url"),
                choice(tree, "anthropic_auth", "", Preset.Auth.class), choice(tree, "protocol", "", Preset.Protocol.class),
                choice(tree, "auth", "", Preset.Auth.class), choice(tree, "prices", "", Preset.PriceSource.class),
                Boolean.TRUE.equals(flag(tree, "generation_stats", "")), dialect(tree.get("dialect")), capabilities(tree.get("capabilities"), "capabilities", Set.of()), models);
    }

    private Preset.DialectSpec dialect(JsonNode dialect) {
        if (!present(dialect)) {
            return null;
        }
        ObjectNode map = map(dialect, "dialect");
        known(map, "dialect.", Set.of("reasoning_request", "reasoning_replay", "session_id", "stream_usage_option",
                "max_tokens_field", "prompt_cache_key", "refused_fields", "assistant_after_tool_results",
                "session_header", "system_first_only"));
        JsonNode refused = map.get("refused_fields");
        return new Preset.DialectSpec(text(map, "reasoning_request", "dialect."),
                text(map, "reasoning_replay", "dialect."), required(flag(map, "session_id", "dialect."),
                "dialect.session_id"), required(flag(map, "stream_usage_option", "dialect."),
                "dialect.stream_usage_option"), text(map, "max_tokens_field", "dialect."),
                flag(map, "prompt_cache_key", "dialect."),
                present(refused) ? texts(refused, "dialect.refused_fields") : List.of(),
                flag(map, "assistant_after_tool_results", "dialect."), text(map, "session_header", "dialect."),
                flag(map, "system_first_only", "dialect."));
    }

    private Preset.ModelSpec model(JsonNode entry, String where) {
        ObjectNode map = map(entry, where);
        JsonNode match = map.get("match");
        if (match == null || !match.isArray() || match.isEmpty()) {
            throw new IllegalArgumentException("preset " + source + ": " + where
                    + " needs a non-empty match list: " + entry);
        }
        return new Preset.ModelSpec(List.copyOf(texts(match, where + ".match")),
                capabilities(map, where, Set.of("match")));
    }

    /** Capability settings; in a model entry beside its {@code match}. */
    private Preset.CapabilitySpec capabilities(JsonNode node, String where, Set<String> besides) {
        if (!present(node)) {
            return null;
        }
        ObjectNode map = map(node, where);
        Set<String> keys = new TreeSet<>(CAPABILITIES);
        keys.addAll(besides);
        String at = where + ".";
        known(map, at, keys);
        JsonNode strip = map.get("schema_keywords_to_strip");
        JsonNode efforts = map.get("reasoning_efforts");
        return new Preset.CapabilitySpec(flag(map, "cache_control", at), flag(map, "cache_ttl", at),
                flag(map, "auto_cache_breakpoints", at), number(map, "max_output_tokens", at),
                number(map, "context_window", at), number(map, "tool_name_limit", at),
                present(strip) ? texts(strip, at + "schema_keywords_to_strip") : null,
                number(map, "stop_sequence_limit", at), flag(map, "image_input", at), flag(map, "pdf_input", at),
                choice(map, "tool_call_ids", at, Preset.ToolCallIds.class), flag(map, "parallel_tool_calls", at),
                flag(map, "forced_tool_choice", at), flag(map, "nullable_types", at),
                present(efforts) ? texts(efforts, at + "reasoning_efforts") : null, reasoningRequest(map, at),
                flag(map, "think_opened_in_prompt", at));
    }

    /** A model's own way of being asked to think, spelt as the dialect's {@code reasoning_request} is. */
    private Dialect.ReasoningRequest reasoningRequest(ObjectNode map, String at) {
        String text = text(map, "reasoning_request", at);
        if (text == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (Dialect.ReasoningRequest style : Dialect.ReasoningRequest.values()) {
            String name = style.name().toLowerCase(Locale.ROOT);
            if (name.equals(text)) {
                return style;
            }
            names.add(name);
        }
        throw new IllegalArgumentException("preset " + source + ": " + at + "reasoning_request must be one of "
                + String.join(", ", names) + ", got '" + text + "'");
    }

    private void known(ObjectNode map, String at, Set<String> keys) {
        for (var names = map.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("preset " + source + ": unknown key " + at + key + " (known: "
                        + String.join(", ", new TreeSet<>(keys)) + ")");
            }
        }
    }

    private ObjectNode map(JsonNode node, String where) {
        if (!(node instanceof ObjectNode map)) {
            throw invalid(where, "a mapping", node);
        }
        return map;
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull();
    }

    private String text(ObjectNode map, String key, String at) {
        return value(map, key, at, JsonNode::isValueNode, "text", JsonNode::asText);
    }

    /** The value of a key, when it is there: null when not written (or written empty), else of the kind accepted. */
    private <T> T value(ObjectNode map, String key, String at, Predicate<JsonNode> kind, String valid,
                        Function<JsonNode, T> read) {
        JsonNode value = map.get(key);
        if (!present(value)) {
            return null;
        }
        if (!kind.test(value)) {
            throw invalid(at + key, valid, value);
        }
        return read.apply(value);
    }

    private List<String> texts(JsonNode list, String where) {
        if (!list.isArray()) {
            throw invalid(where, "a list", list);
        }
        List<String> texts = new ArrayList<>();
        for (JsonNode item : list) {
            if (!item.isValueNode() || item.isNull()) {
                throw invalid(where, "a list of text", list);
            }
            texts.add(item.asText());
        }
        return texts;
    }

    private Boolean flag(ObjectNode map, String key, String at) {
        return value(map, key, at, JsonNode::isBoolean, "true or false", JsonNode::booleanValue);
    }

    private boolean required(Boolean value, String where) {
        if (value == null) {
            throw new IllegalArgumentException("preset " + source + ": " + where + " must be set (true or false)");
        }
        return value;
    }

    private Integer number(ObjectNode map, String key, String at) {
        return value(map, key, at, JsonNode::isInt, "a whole number", JsonNode::intValue);
    }

    private URI uri(ObjectNode map, String key) {
        String text = text(map, key, "");
        return text == null ? null : URI.create(text);
    }

    /** An enum constant by its name in the files: lower case, {@code -} for {@code _} ({@code x-api-key}). */
    private <E extends Enum<E>> E choice(ObjectNode map, String key, String at, Class<E> type) {
        String text = text(map, key, at);
        if (text == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            String name = constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
            if (name.equals(text)) {
                return constant;
            }
            names.add(name);
        }
        throw new IllegalArgumentException("preset " + source + ": " + at + key + " must be one of "
                + String.join(", ", names) + ", got '" + text + "'");
    }

    private IllegalArgumentException invalid(String where, String valid, JsonNode value) {
        return new IllegalArgumentException("preset " + source + ": " + where + " must be " + valid + ", got " + value);
    }
}
