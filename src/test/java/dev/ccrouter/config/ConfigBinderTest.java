package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The hand-written {@link ConfigBinder} against Jackson's databind ({@link DatabindBinding}, how the settings were
 * bound before): the same records, or the same message, for a realistic tree and thousands of trees mutated from it
 * (values of every kind put anywhere, keys removed, renamed and added), each first passed through the checks that run
 * before binding ({@link ConfigValidator#checkValues}), as {@link ConfigLoader} does.
 *
 * <p>One difference is allowed: a whole number beyond the range of its record component, written as a number. Databind
 * said "the settings cannot be read: Numeric value (…) out of range of int" without naming the setting; the binder
 * names it as it names the same number written as text.
 */
class ConfigBinderTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Path FILE = Path.of("/etc/ccrouter/ccrouter.yaml");
    private static final String SAMPLE = """
            server:
              port: "9090"
              trusted_proxies: [127.0.0.1, 10.0.0.0/8]
            max_output_tokens:
              qwen/qwen3-coder: 65536
            providers:
              - name: ds
                preset: deepseek
                api_keys: [sk-ds-1, sk-ds-2]
                models:
                  deepseek-chat: {max_output_tokens: 8192, images: false, schema_keywords_to_strip: [format]}
              - name: local
                preset: openai-compatible
                base_url: http://127.0.0.1:11434/v1
                protocol: openai
            routes:
              default: ds,deepseek-chat
              background: local,qwen3
              cooldown_seconds: 45
              fallbacks:
                ds,deepseek-chat: ["local,qwen3"]
            auth:
              keys:
                - {name: alice, key: sk-alice, budget_usd_per_day: 12.50, requests_per_minute: 60}
                - {key: sk-bob, budget_usd_per_month: "100", tokens_per_minute: 100000}
              admin_keys: [sk-admin]
            prices:
              ds,deepseek-chat: {input: 0.27, output: "1.10", cache_read: 0.07, cache_write_5m: 0.5, cache_write_1h: 1}
            """;
    private static final List<Supplier<JsonNode>> VALUES = List.of(
            () -> NODES.textNode("x"), () -> NODES.textNode(""), () -> NODES.textNode(" 42 "),
            () -> NODES.textNode("42"), () -> NODES.textNode("3000000000"), () -> NODES.textNode("1.5"),
            () -> NODES.textNode("null"), () -> NODES.textNode("true"), () -> NODES.textNode("http://h/v1"),
            () -> NODES.textNode("ds,deepseek-chat"), () -> NODES.textNode("openai-compatible"),
            () -> NODES.numberNode(0), () -> NODES.numberNode(7), () -> NODES.numberNode(-1),
            () -> NODES.numberNode(3_000_000_000L), () -> NODES.numberNode(99_999_999_999L),
            () -> NODES.numberNode(BigInteger.TEN.pow(20)), () -> NODES.numberNode(1.5), () -> NODES.numberNode(2.0),
            () -> NODES.booleanNode(true), NODES::nullNode, NODES::objectNode,
            () -> NODES.objectNode().put("x", 1), () -> NODES.objectNode().put("name", "n").put("key", "k"),
            NODES::arrayNode, () -> NODES.arrayNode().add("a").add("b"), () -> NODES.arrayNode().add(1),
            () -> NODES.arrayNode().add(NODES.objectNode()), () -> NODES.arrayNode().addNull());
    private static final List<String> KEYS = List.of("port", "modles", "api_key", "max_tokens", "default", "key",
            "name", "input", "enabled", "long_context_threshold", "cache_write5m", "x");

    @Test
    void theSampleBindsAsDatabindBindsIt() {
        ObjectNode tree = sample();
        new ConfigValidator(provenance(tree)).checkValues(tree);

        ConfigFile bound = ConfigBinder.bind(tree, provenance(tree));

        assertThat(bound).isEqualTo(DatabindBinding.bind(tree, provenance(tree)));
        assertThat(bound.providers()).hasSize(2);
        assertThat(bound.auth().keys()).hasSize(2);
        assertThat(bound.prices().get("ds,deepseek-chat").cacheWrite1h()).isEqualByComparingTo("1");
    }

    @Test
    void mutatedTreesBindAsDatabindBindsThemOrFailWithTheSameMessage() {
        Random random = new Random(11);
        int compared = 0;
        int failures = 0;
        int overflows = 0;
        List<String> differences = new ArrayList<>();
        for (int attempt = 0; compared < 3000 && attempt < 100_000; attempt++) {
            ObjectNode tree = sample();
            int mutations = 1 + random.nextInt(3);
            for (int i = 0; i < mutations; i++) {
                mutate(tree, random);
            }
            Provenance provenance = provenance(tree);
            try {
                new ConfigValidator(provenance).checkValues(tree);
            } catch (ConfigException refusedBeforeBinding) {
                continue;
            }
            compared++;
            String expected = outcome(() -> DatabindBinding.bind(tree, provenance));
            String actual = outcome(() -> ConfigBinder.bind(tree, provenance));
            failures += expected.startsWith("refused: ") ? 1 : 0;
            if (expected.startsWith("refused: ") && expected.contains(": Numeric value (")
                    && expected.contains(") out of range of ")) {
                overflows++;
                assertThat(actual).as(tree.toString()).matches("refused: .* must be .*, got '-?\\d+'");
            } else if (!actual.equals(expected)) {
                differences.add(expected + "\n   <> " + actual);
            }
        }
        assertThat(differences).hasSize(0);
        assertThat(compared).isEqualTo(3000);
        assertThat(failures).as("refused trees").isBetween(300, 2700);
        // every whole-number row of the table is bounded within an int: a number too large is refused before binding
        assertThat(overflows).as("numbers out of range").isZero();
    }

    private static String outcome(Supplier<ConfigFile> binding) {
        try {
            ConfigFile file = binding.get();
            return "bound: " + file;
        } catch (ConfigException e) {
            return "refused: " + e.getMessage();
        } catch (RuntimeException e) {
            return "failed: " + e;
        }
    }

    private static ObjectNode sample() {
        ObjectNode tree = DefaultSettings.tree();
        try {
            DatabindBinding.MAPPER.readTree(SAMPLE).fields().forEachRemaining(section -> {
                if (tree.get(section.getKey()) instanceof ObjectNode defaults && section.getValue().isObject()) {
                    defaults.setAll((ObjectNode) section.getValue());
                } else {
                    tree.set(section.getKey(), section.getValue());
                }
            });
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return tree;
    }

    private static Provenance provenance(JsonNode tree) {
        return new Provenance(FILE, tree, Map.of(ConfigPath.of("server", "host"), "CCROUTER_HOST"));
    }

    /** One change at a random place: a value of another kind, a key removed, renamed or added. */
    private static void mutate(ObjectNode tree, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(tree, containers);
        JsonNode container = containers.get(random.nextInt(containers.size()));
        JsonNode value = VALUES.get(random.nextInt(VALUES.size())).get();
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            int action = random.nextInt(10);
            String key = KEYS.get(random.nextInt(KEYS.size()));
            if (names.isEmpty() || action == 0) {
                object.set(key, value);
            } else if (action == 1) {
                object.remove(names.get(random.nextInt(names.size())));
            } else if (action == 2) {
                String renamed = names.get(random.nextInt(names.size()));
                object.set(key, object.remove(renamed));
            } else {
                object.set(names.get(random.nextInt(names.size())), value);
            }
        } else if (container instanceof ArrayNode list) {
            if (list.isEmpty() || random.nextInt(4) == 0) {
                list.add(value);
            } else {
                list.set(random.nextInt(list.size()), value);
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), containers);
            }
        }
    }
}
