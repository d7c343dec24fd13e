package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a value sits in the configuration, as the user reads it: {@code providers[1].api_keys[0]}. Kept as segments
 * because map keys (model ids, targets) may hold dots and slashes themselves.
 *
 * @param segments map keys, and list indexes written {@code [n]}
 */
record ConfigPath(List<String> segments) {
    static final ConfigPath ROOT = new ConfigPath(List.of());

    static ConfigPath of(String... keys) {
        return new ConfigPath(List.of(keys));
    }

    /** A dotted path such as {@code server.port} or {@code providers[0].name}; keys may not hold dots here. */
    static ConfigPath parse(String dotted) {
        List<String> segments = new ArrayList<>();
        for (String part : dotted.split("\\.")) {
            int bracket = part.indexOf('[');
            segments.add(bracket < 0 ? part : part.substring(0, bracket));
            for (int at = bracket; at >= 0; at = part.indexOf('[', at + 1)) {
                segments.add(part.substring(at, part.indexOf(']', at) + 1));
            }
        }
        return new ConfigPath(List.copyOf(segments));
    }

    // Written out rather than the record's generated ones: those link an invokedynamic call site at their first call
    // (ObjectMethods' bootstrap, ≈ 0.2 MB of garbage in every start, which reads the configuration into a map keyed by
    // paths), and a fresh gateway's garbage stays resident in its young generation.
    @Override
    public boolean equals(Object other) {
        return other instanceof ConfigPath path && segments.equals(path.segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode();
    }

    ConfigPath key(String key) {
        return append(key);
    }

    ConfigPath index(int index) {
        return append("[" + index + "]");
    }

    private ConfigPath append(String segment) {
        List<String> longer = new ArrayList<>(segments);
        longer.add(segment);
        return new ConfigPath(List.copyOf(longer));
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    ConfigPath parent() {
        return new ConfigPath(segments.subList(0, Math.max(0, segments.size() - 1)));
    }

    /** The settings-table row this path falls under: indexes become {@code []}, free map keys their placeholder. */
    String pattern() {
        StringBuilder pattern = new StringBuilder();
        for (String segment : segments) {
            String placeholder = Settings.FREE_KEYS.get(pattern.toString());
            if (isIndex(segment)) {
                pattern.append("[]");
            } else {
                pattern.append(pattern.isEmpty() ? "" : ".").append(placeholder != null ? placeholder : segment);
            }
        }
        return pattern.toString();
    }

    /** The node at this path, or null. */
    JsonNode find(JsonNode root) {
        JsonNode node = root;
        for (String segment : segments) {
            if (node == null || segment.equals("[]")) {
                return null;
            }
            node = isIndex(segment) ? node.get(Integer.parseInt(segment.substring(1, segment.length() - 1)))
                    : node.isObject() ? node.get(segment) : null;
        }
        return node;
    }

    private static boolean isIndex(String segment) {
        return segment.startsWith("[") && segment.endsWith("]");
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        for (String segment : segments) {
            text.append(isIndex(segment) || text.isEmpty() ? "" : ".").append(segment);
        }
        return text.toString();
    }
}
