package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${ENV_VAR}} in the file's values from the loader's environment, so secrets stay out of the file.
 * An unset (or empty) variable is an error that names it, except in a key pool ({@code providers[].api_keys},
 * {@code auth.keys}, {@code auth.admin_keys}): there the entry is left out with a warning, so that
 * {@code ["${KEY}", "${KEY_2}"]} works with only the first set; a pool left with no key at all is an error, as it
 * would silently change what the gateway does (forward clients' keys, or let anyone in). {@code $${} writes a
 * literal {@code ${}.
 */
final class EnvReferences {
    /** A reference, or the {@code $${} of a literal {@code ${} (whatever follows it). */
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$\\{|\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    /** A {@code ${} that opens no reference (and is not the {@code $${} of a literal). */
    private static final Pattern MALFORMED = Pattern.compile("(?<!\\$)\\$\\{(?![A-Za-z_][A-Za-z0-9_]*})");
    private static final Set<String> POOLS = Set.of("providers[].api_keys", "auth.keys", "auth.admin_keys");

    private final Map<String, String> env;
    private final Consumer<String> warnings;
    private final Provenance where;

    EnvReferences(Map<String, String> env, Consumer<String> warnings, Provenance where) {
        this.env = env;
        this.warnings = warnings;
        this.where = where;
    }

    void resolve(ObjectNode tree) {
        resolveChildren(tree, ConfigPath.ROOT);
    }

    private void resolveChildren(JsonNode node, ConfigPath path) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                ConfigPath child = path.key(field.getKey());
                if (field.getValue().isTextual()) {
                    field.setValue(new TextNode(substitute(field.getValue().asText(), child)));
                } else if (field.getValue() instanceof ArrayNode list && POOLS.contains(child.pattern())) {
                    resolvePool(list, child);
                } else {
                    resolveChildren(field.getValue(), child);
                }
            }
        } else if (node instanceof ArrayNode list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).isTextual()) {
                    list.set(i, new TextNode(substitute(list.get(i).asText(), path.index(i))));
                } else {
                    resolveChildren(list.get(i), path.index(i));
                }
            }
        }
    }

    private void resolvePool(ArrayNode pool, ConfigPath path) {
        Set<String> unset = new LinkedHashSet<>();
        List<JsonNode> kept = new ArrayList<>();
        for (int i = 0; i < pool.size(); i++) {
            JsonNode entry = pool.get(i);
            List<String> missing = missing(entry.isObject() ? entry.path("key").asText("") : entry.asText(""));
            if (missing.isEmpty()) {
                if (entry.isTextual()) {
                    kept.add(new TextNode(substitute(entry.asText(), path.index(i))));
                } else {
                    resolveChildren(entry, path.index(i));
                    kept.add(entry);
                }
            } else {
                unset.addAll(missing);
                warnings.accept(where.where(path.index(i)) + ": " + notSetOrEmpty(missing) + "; that key is left out");
            }
        }
        if (kept.isEmpty() && !unset.isEmpty()) {
            throw new ConfigException(where.where(path) + ": none of its keys is set (" + String.join(", ", unset)
                    + "): set " + (unset.size() == 1 ? "it" : "one") + ", or remove " + path.segments().getLast()
                    + (path.pattern().startsWith("auth") ? " to leave the gateway open" : " to forward clients' keys"));
        }
        pool.removeAll();
        pool.addAll(kept);
    }

    /** {@code A is not set, B is empty}: an empty variable is set, and the user's shell shows it so. */
    private String notSetOrEmpty(List<String> variables) {
        List<String> said = new ArrayList<>();
        for (String variable : variables) {
            said.add(variable + (env.get(variable) == null ? " is not set" : " is empty"));
        }
        return String.join(", ", said);
    }

    private List<String> missing(String text) {
        List<String> missing = new ArrayList<>();
        Matcher matcher = REFERENCE.matcher(text);
        while (matcher.find()) {
            if (matcher.group(1) != null && isUnset(matcher.group(1))) {
                missing.add(matcher.group(1));
            }
        }
        return missing;
    }

    private String substitute(String text, ConfigPath path) {
        if (MALFORMED.matcher(text).find()) {
            // ${KEY:-default}, ${ KEY }: taken as they are, they would reach a provider as the key itself
            throw new ConfigException(where.where(path) + " holds a '${' that is no reference ccrouter reads: write "
                    + "${NAME} (letters, digits and _; no default such as ${NAME:-value}), or $${ for a literal ${");
        }
        Matcher matcher = REFERENCE.matcher(text);
        StringBuilder resolved = new StringBuilder();
        while (matcher.find()) {
            String replacement;
            if (matcher.group(1) == null) {
                replacement = "${";
            } else if (isUnset(matcher.group(1))) {
                throw new ConfigException(where.where(path) + " refers to ${" + matcher.group(1) + "}, which is "
                        + (env.get(matcher.group(1)) == null ? "not set in the environment" : "empty")
                        + ": set " + matcher.group(1) + ", or write the value itself");
            } else {
                replacement = env.get(matcher.group(1));
            }
            matcher.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(resolved);
        return resolved.toString();
    }

    private boolean isUnset(String variable) {
        String value = env.get(variable);
        return value == null || value.isEmpty();
    }
}
