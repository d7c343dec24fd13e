package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Binds the merged settings tree into {@link ConfigFile}'s records by hand: snake_case keys, unknown keys rejected at
 * every depth, and every mismatch a message that names the setting and what would be valid. It does what Jackson's
 * databind did (the tests hold the two equal, {@code ConfigBinderTest}) without its reflection over the records, which
 * was the largest part of the main thread's start. Of several problems it names the one databind named: the first
 * value of a known key that is wrong, in the order written, then a missing primitive, then the first unknown key.
 */
final class ConfigBinder {
    private final Provenance provenance;

    private ConfigBinder(Provenance provenance) {
        this.provenance = provenance;
    }

    /** @param tree the settings after {@link ConfigValidator#checkValues}: every value in the table has its form */
    static ConfigFile bind(JsonNode tree, Provenance provenance) {
        return new ConfigBinder(provenance).configFile().bind(tree, ConfigPath.ROOT);
    }

    /** How one value is bound; null in, null out, except where a record component is primitive. */
    @FunctionalInterface
    private interface Binding<T> {
        T bind(JsonNode node, ConfigPath path);
    }

    private Shape<ConfigFile> configFile() {
        Binding<List<String>> texts = list(this::text);
        Shape<ConfigFile.Server> server = new Shape<>(values -> new ConfigFile.Server(values.get("host"),
                values.get("port"), values.get("max_body_bytes"), values.get("public_url"),
                values.get("header_timeout_seconds"), values.get("body_timeout_seconds"),
                values.get("idle_timeout_seconds"), values.get("max_connections"),
                values.get("max_connections_per_client"), values.get("trusted_proxies"), values.get("cors_origins"),
                values.get("shutdown_grace_seconds")))
                .with(this::text, "host", "public_url")
                .with(this::wholeNumber, "port", "header_timeout_seconds", "body_timeout_seconds",
                        "idle_timeout_seconds", "max_connections", "max_connections_per_client",
                        "shutdown_grace_seconds")
                .with(this::longNumber, "max_body_bytes")
                .with(texts, "trusted_proxies", "cors_origins");
        Shape<ConfigFile.Upstream> upstream = new Shape<>(values -> new ConfigFile.Upstream(values.get("base_url"),
                values.get("connect_timeout_seconds"), values.get("read_timeout_seconds"),
                values.get("http_referer"), values.get("title")))
                .with(this::text, "base_url", "http_referer", "title")
                .with(this::wholeNumber, "connect_timeout_seconds", "read_timeout_seconds");
        Shape<GatewayConfig.ModelMapping> models = new Shape<>(values -> new GatewayConfig.ModelMapping(
                values.get("haiku"), values.get("sonnet"), values.get("opus")))
                .with(this::text, "haiku", "sonnet", "opus");
        Shape<ConfigFile.Stream> stream = new Shape<>(values -> new ConfigFile.Stream(
                values.get("ping_interval_seconds"), values.get("early_start_seconds")))
                .with(this::wholeNumber, "ping_interval_seconds", "early_start_seconds");
        Shape<ConfigFile.Pricing> pricing = new Shape<>(values -> new ConfigFile.Pricing(
                values.get("refresh_minutes")))
                .with(this::wholeNumber, "refresh_minutes");
        Shape<ConfigFile.Ledger> ledger = new Shape<>(values -> new ConfigFile.Ledger(values.get("enabled"),
                values.get("url"), values.get("queue_size"), values.get("batch_interval_ms")))
                .with(this::trueOrFalse, "enabled")
                .with(this::text, "url")
                .with(this::wholeNumber, "queue_size", "batch_interval_ms");
        Shape<ConfigFile.Operator> operator = new Shape<>(values -> new ConfigFile.Operator(values.get("name"),
                values.get("contact"), values.get("source_url")))
                .with(this::text, "name", "contact", "source_url");
        Shape<PriceSettings> prices = new Shape<>(values -> new PriceSettings(values.get("input"),
                values.get("output"), values.get("cache_read"), values.get("cache_write_5m"),
                values.get("cache_write_1h"), values.get("request")))
                .with(this::amount, "input", "output", "cache_read", "cache_write_5m", "cache_write_1h", "request");
        return new Shape<>(values -> new ConfigFile(values.get("server"), values.get("upstream"),
                values.get("models"), values.get("max_output_tokens"), values.get("stream"), values.get("pricing"),
                values.get("data_dir"), values.get("auth"), values.get("providers"), values.get("routes"),
                values.get("ledger"), values.get("operator"), values.get("prices")))
                .with(server, "server")
                .with(upstream, "upstream")
                .with(models, "models")
                .with(map(this::wholeNumber), "max_output_tokens")
                .with(stream, "stream")
                .with(pricing, "pricing")
                .with(this::text, "data_dir")
                .with(auth(), "auth")
                .with(list(provider()), "providers")
                .with(routes(), "routes")
                .with(ledger, "ledger")
                .with(operator, "operator")
                .with(map(prices), "prices");
    }

    private Shape<AuthSettings> auth() {
        Shape<AuthSettings.ClientKey> key = new Shape<>(values -> new AuthSettings.ClientKey(values.get("name"),
                values.get("key"), values.get("budget_usd_per_day"), values.get("budget_usd_per_month"),
                values.get("requests_per_minute"), values.get("tokens_per_minute")))
                .with(this::text, "name", "key")
                .with(this::amount, "budget_usd_per_day", "budget_usd_per_month")
                .with(this::wholeNumber, "requests_per_minute", "tokens_per_minute");
        return new Shape<>(values -> new AuthSettings(values.get("keys"), values.get("admin_keys")))
                .with(list(key), "keys")
                .with(list(this::text), "admin_keys");
    }

    private Shape<ProviderSettings> provider() {
        Shape<ProviderSettings.ModelSettings> model = new Shape<>(values -> new ProviderSettings.ModelSettings(
                values.get("max_output_tokens"), values.get("context_window"), values.get("images"),
                values.get("pdfs"), values.get("cache_control"), values.get("schema_keywords_to_strip"),
                values.get("think_opened_in_prompt")))
                .with(this::wholeNumber, "max_output_tokens", "context_window")
                .with(this::trueOrFalse, "images", "pdfs", "cache_control", "think_opened_in_prompt")
                .with(list(this::text), "schema_keywords_to_strip");
        return new Shape<>(values -> new ProviderSettings(values.get("name"), values.get("preset"),
                values.get("base_url"), values.get("api_keys"), values.get("protocol"), values.get("models"),
                values.get("auth")))
                .with(this::text, "name", "preset", "protocol", "auth")
                .with(this::uri, "base_url")
                .with(list(this::text), "api_keys")
                .with(map(model), "models");
    }

    private Shape<RouteSettings> routes() {
        return new Shape<>(values -> new RouteSettings(values.get("default"), values.get("background"),
                values.get("think"), values.get("long_context"), values.primitive("long_context_threshold"),
                values.get("web_search"), values.get("image"), values.get("fallbacks"),
                values.get("cooldown_seconds")))
                .with(this::text, "default", "background", "think", "long_context", "web_search", "image")
                .with(this::wholeNumber, "long_context_threshold", "cooldown_seconds")
                .with(map(list(this::text)), "fallbacks");
    }

    /** A record: its keys, each with its binding, and how it is made of the bound values. */
    private final class Shape<T> implements Binding<T> {
        private final Map<String, Binding<?>> keys = new LinkedHashMap<>();
        private final Function<Values, T> make;

        Shape(Function<Values, T> make) {
            this.make = make;
        }

        Shape<T> with(Binding<?> binding, String... names) {
            for (String name : names) {
                keys.put(name, binding);
            }
            return this;
        }

        @Override
        public T bind(JsonNode node, ConfigPath path) {
            if (node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                throw mismatch(path, "a mapping of settings", node);
            }
            Map<String, Object> bound = new HashMap<>();
            String unknown = null;
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                Binding<?> binding = keys.get(field.getKey());
                if (binding == null) {
                    unknown = unknown == null ? field.getKey() : unknown;
                } else {
                    bound.put(field.getKey(), binding.bind(field.getValue(), path.key(field.getKey())));
                }
            }
            // As databind: the known keys' values first, then the record (a missing primitive), then unknown keys.
            T made = make.apply(new Values(bound, node, path));
            if (unknown != null) {
                throw new ConfigException(provenance.where(path.key(unknown)) + ": unknown setting (known: "
                        + String.join(", ", new TreeSet<>(keys.keySet())) + ")");
            }
            return made;
        }
    }

    /** The bound values of one record, by key; a key not written is null. */
    private final class Values {
        private final Map<String, Object> bound;
        private final JsonNode node;
        private final ConfigPath path;

        Values(Map<String, Object> bound, JsonNode node, ConfigPath path) {
            this.bound = bound;
            this.node = node;
            this.path = path;
        }

        @SuppressWarnings("unchecked")
        <V> V get(String key) {
            return (V) bound.get(key);
        }

        /** A primitive component cannot be null: not written, or written empty, is a mismatch. */
        int primitive(String key) {
            Integer value = get(key);
            if (value == null) {
                throw mismatch(path.key(key), "a number", node.get(key));
            }
            return value;
        }
    }

    private <T> Binding<List<T>> list(Binding<T> item) {
        return (node, path) -> {
            if (node.isNull()) {
                return null;
            }
            if (!node.isArray()) {
                throw mismatch(path, "a list", node);
            }
            List<T> items = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                items.add(item.bind(node.get(i), path.index(i)));
            }
            return items;
        };
    }

    private <T> Binding<Map<String, T>> map(Binding<T> value) {
        return (node, path) -> {
            if (node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                throw mismatch(path, "a mapping of settings", node);
            }
            Map<String, T> entries = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                entries.put(entry.getKey(), value.bind(entry.getValue(), path.key(entry.getKey())));
            }
            return entries;
        };
    }

    /** Text; a number or true/false written where text belongs is taken as written. */
    private String text(JsonNode node, ConfigPath path) {
        return leaf(node, path, JsonNode::isValueNode, "text", JsonNode::asText);
    }

    /** A value of one kind, or null; the kind's name is what a mismatch says is valid when the table has no row. */
    private <T> T leaf(JsonNode node, ConfigPath path, Predicate<JsonNode> accepted, String kind,
                       Function<JsonNode, T> read) {
        if (node.isNull()) {
            return null;
        }
        if (!accepted.test(node)) {
            throw mismatch(path, kind, node);
        }
        return read.apply(node);
    }

    private Integer wholeNumber(JsonNode node, ConfigPath path) {
        Long value = longNumber(node, path);
        if (value != null && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
            throw mismatch(path, "a number", node);
        }
        return value == null ? null : value.intValue();
    }

    private Long longNumber(JsonNode node, ConfigPath path) {
        if (node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            try {
                return Long.parseLong(node.asText().strip());
            } catch (NumberFormatException e) {
                throw mismatch(path, "a number", node);
            }
        }
        throw mismatch(path, "a number", node);
    }

    private BigDecimal amount(JsonNode node, ConfigPath path) {
        if (node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.asText().strip());
            } catch (NumberFormatException e) {
                throw mismatch(path, "a number", node);
            }
        }
        throw mismatch(path, "a number", node);
    }

    private Boolean trueOrFalse(JsonNode node, ConfigPath path) {
        return leaf(node, path, value -> value.isBoolean() || value.isTextual()
                        && Rule.TrueOrFalse.parse(value.asText()) != null, "true or false",
                value -> value.isBoolean() ? value.booleanValue() : Rule.TrueOrFalse.parse(value.asText()));
    }

    private URI uri(JsonNode node, ConfigPath path) {
        String text = text(node, path);
        try {
            return text == null ? null : new URI(text.strip());
        } catch (java.net.URISyntaxException e) {
            throw mismatch(path, "of another kind", node);
        }
    }

    /**
     * A value of the wrong kind: what its row of the table says is valid (else what the record takes), and the value
     * unless it is a key.
     */
    private ConfigException mismatch(ConfigPath path, String kind, JsonNode value) {
        String valid = Settings.forPath(path).map(setting -> setting.rule().valid()).orElse(kind);
        String got = value == null ? "nothing" : value.isValueNode() ? value.asText()
                : value.isArray() ? "a list" : "a mapping";
        return new ConfigException(provenance.where(path) + " must be " + valid
                + (Settings.mayShow(path) ? ", got '" + Secrets.maskKeys(Secrets.maskPassword(got)) + "'" : ""));
    }
}
