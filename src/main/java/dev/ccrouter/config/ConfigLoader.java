package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds a {@link GatewayConfig}: embedded defaults, then the YAML file ({@code CCROUTER_CONFIG} or {@code --config}),
 * then environment variables, then command-line flags. Every problem is reported with the setting's name.
 */
public final class ConfigLoader {
    private static final String DEFAULTS = "/ccrouter/defaults.yaml";
    private static final Set<String> TOP_LEVEL_KEYS =
            Set.of("server", "upstream", "models", "max_output_tokens", "stream", "pricing", "data_dir", "operator");
    /**
     * The public URL is pasted into shell commands and HTML, so it may hold only characters that need no quoting in
     * either: a scheme, a host name or bracketed IPv6 address, a port, and a path of plain segments.
     */
    private static final Pattern PUBLIC_URL =
            Pattern.compile("https?://([A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+])(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*/?");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final Map<String, String> env;

    public ConfigLoader(Map<String, String> env) {
        this.env = env;
    }

    /** Command-line values; null means "not given". */
    public record Flags(Integer port, String host, String upstream, Path config, Path dataDir) {
        public static final Flags NONE = new Flags(null, null, null, null, null);
    }

    public GatewayConfig load(Flags flags) {
        ObjectNode tree = readDefaults();
        Path file = flags.config() != null ? flags.config() : pathOrNull(env.get("CCROUTER_CONFIG"));
        if (file != null) {
            merge(tree, readFile(file));
        }
        applyEnvironment(tree);
        applyFlags(tree, flags);
        return build(tree);
    }

    private ObjectNode readDefaults() {
        try (InputStream in = ConfigLoader.class.getResourceAsStream(DEFAULTS)) {
            return (ObjectNode) yaml.readTree(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the embedded defaults " + DEFAULTS + " are missing from the build", e);
        }
    }

    private ObjectNode readFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist (CCROUTER_CONFIG / --config)");
        }
        JsonNode node;
        try {
            node = yaml.readTree(file.toFile());
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + firstLine(e.getMessage()));
        }
        if (node == null || node.isMissingNode() || node.isNull()) {
            return yaml.createObjectNode();
        }
        if (!node.isObject()) {
            throw new ConfigException("config file " + file + " must hold a mapping of settings at its top level");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TOP_LEVEL_KEYS.contains(name)) {
                throw new ConfigException("config file " + file + ": unknown setting '" + name + "' (known: "
                        + String.join(", ", TOP_LEVEL_KEYS.stream().sorted().toList()) + ")");
            }
        }
        return (ObjectNode) node;
    }

    private void applyEnvironment(ObjectNode tree) {
        setIfPresent(tree, "server", "port", env.get("CCROUTER_PORT"));
        setIfPresent(tree, "server", "host", env.get("CCROUTER_HOST"));
        setIfPresent(tree, "server", "public_url", env.get("CCROUTER_PUBLIC_URL"));
        setIfPresent(tree, "server", "shutdown_grace_seconds", env.get("CCROUTER_SHUTDOWN_GRACE_SECONDS"));
        setIfPresent(tree, "operator", "name", env.get("CCROUTER_OPERATOR_NAME"));
        setIfPresent(tree, "operator", "contact", env.get("CCROUTER_OPERATOR_CONTACT"));
        setIfPresent(tree, "operator", "source_url", env.get("CCROUTER_SOURCE_URL"));
        setIfPresent(tree, "upstream", "base_url", env.get("OPENROUTER_BASE_URL"));
        setIfPresent(tree, "models", "haiku", env.get("CCROUTER_MODEL_HAIKU"));
        setIfPresent(tree, "models", "sonnet", env.get("CCROUTER_MODEL_SONNET"));
        setIfPresent(tree, "models", "opus", env.get("CCROUTER_MODEL_OPUS"));
        String dataDir = env.get("CCROUTER_DATA_DIR");
        if (dataDir != null && !dataDir.isBlank()) {
            tree.put("data_dir", dataDir);
        }
    }

    private static void applyFlags(ObjectNode tree, Flags flags) {
        if (flags.port() != null) {
            section(tree, "server").put("port", flags.port());
        }
        setIfPresent(tree, "server", "host", flags.host());
        setIfPresent(tree, "upstream", "base_url", flags.upstream());
        if (flags.dataDir() != null) {
            tree.put("data_dir", flags.dataDir().toString());
        }
    }

    private GatewayConfig build(ObjectNode tree) {
        JsonNode server = tree.path("server");
        JsonNode upstream = tree.path("upstream");
        JsonNode models = tree.path("models");
        return new GatewayConfig(
                requiredText(server, "server.host (CCROUTER_HOST)", "host"),
                intInRange(server, "port", "server.port (CCROUTER_PORT)", 0, 65535),
                baseUrl(requiredText(upstream, "upstream.base_url (OPENROUTER_BASE_URL)", "base_url")),
                expandHome(requiredText(tree, "data_dir (CCROUTER_DATA_DIR)", "data_dir")),
                longInRange(server, "max_body_bytes", "server.max_body_bytes", 1024, Long.MAX_VALUE),
                new GatewayConfig.ModelMapping(
                        requiredText(models, "models.haiku (CCROUTER_MODEL_HAIKU)", "haiku"),
                        requiredText(models, "models.sonnet (CCROUTER_MODEL_SONNET)", "sonnet"),
                        requiredText(models, "models.opus (CCROUTER_MODEL_OPUS)", "opus")),
                outputLimits(tree.path("max_output_tokens")),
                Duration.ofSeconds(longInRange(tree.path("stream"), "ping_interval_seconds",
                        "stream.ping_interval_seconds", 1, 3600)),
                Duration.ofSeconds(longInRange(upstream, "connect_timeout_seconds",
                        "upstream.connect_timeout_seconds", 1, 3600)),
                Duration.ofSeconds(longInRange(upstream, "read_timeout_seconds",
                        "upstream.read_timeout_seconds", 1, 86400)),
                optionalText(upstream, "http_referer"),
                optionalText(upstream, "title"),
                Duration.ofMinutes(longInRange(tree.path("pricing"), "refresh_minutes",
                        "pricing.refresh_minutes", 0, 7 * 24 * 60)),
                publicUrl(optionalText(server, "public_url")),
                Duration.ofSeconds(longInRange(server, "shutdown_grace_seconds",
                        "server.shutdown_grace_seconds (CCROUTER_SHUTDOWN_GRACE_SECONDS)", 0, 3600)),
                new GatewayConfig.Operator(optionalText(tree.path("operator"), "name"),
                        optionalText(tree.path("operator"), "contact"),
                        optionalText(tree.path("operator"), "source_url")));
    }

    static String publicUrl(String text) {
        if (text == null) {
            return null;
        }
        if (!PUBLIC_URL.matcher(text).matches()) {
            throw new ConfigException("server.public_url (CCROUTER_PUBLIC_URL) must be an http(s) URL made of letters, "
                    + "digits and . - _ ~ / only, such as https://ccrouter.example.com, got '" + text + "'");
        }
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static Map<String, Integer> outputLimits(JsonNode node) {
        Map<String, Integer> limits = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!entry.getValue().canConvertToInt() || entry.getValue().asInt() < 1) {
                throw new ConfigException("max_output_tokens." + entry.getKey() + " must be a positive whole number, got '"
                        + entry.getValue().asText() + "'");
            }
            limits.put(entry.getKey(), entry.getValue().asInt());
        }
        return Map.copyOf(limits);
    }

    static URI baseUrl(String text) {
        try {
            URI uri = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new ConfigException("upstream base URL (OPENROUTER_BASE_URL / --upstream) must be an http(s) URL "
                        + "such as https://openrouter.ai/api/v1, got '" + text + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException("upstream base URL (OPENROUTER_BASE_URL / --upstream) is not a URL: '" + text + "'");
        }
    }

    private static Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + path.substring(1));
        }
        return Path.of(path);
    }

    private static String requiredText(JsonNode section, String label, String field) {
        JsonNode value = section.get(field);
        if (value == null || value.isNull() || !value.isValueNode() || value.asText().isBlank()) {
            throw new ConfigException(label + " must be set");
        }
        return value.asText().strip();
    }

    private static String optionalText(JsonNode section, String field) {
        JsonNode value = section.get(field);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText().strip();
    }

    private static int intInRange(JsonNode section, String field, String label, int min, int max) {
        return (int) longInRange(section, field, label, min, max);
    }

    private static long longInRange(JsonNode section, String field, String label, long min, long max) {
        JsonNode value = section.get(field);
        long parsed;
        try {
            parsed = Long.parseLong(value == null ? "" : value.asText().strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(label + " must be a whole number, got '" + (value == null ? "" : value.asText()) + "'");
        }
        if (parsed < min || parsed > max) {
            throw new ConfigException(label + " must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    private static void setIfPresent(ObjectNode tree, String section, String field, String value) {
        if (value != null && !value.isBlank()) {
            section(tree, section).put(field, value.strip());
        }
    }

    private static ObjectNode section(ObjectNode tree, String name) {
        JsonNode existing = tree.get(name);
        return existing instanceof ObjectNode object ? object : tree.putObject(name);
    }

    private static void merge(ObjectNode target, ObjectNode overrides) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode existing = target.get(entry.getKey());
            if (existing instanceof ObjectNode existingObject && entry.getValue() instanceof ObjectNode overrideObject) {
                merge(existingObject, overrideObject);
            } else {
                target.set(entry.getKey(), entry.getValue());
            }
        }
    }

    private static Path pathOrNull(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.strip());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
