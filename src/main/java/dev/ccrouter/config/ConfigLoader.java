package dev.ccrouter.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a {@link GatewayConfig}: embedded defaults, then the configuration file ({@code CCROUTER_CONFIG} or
 * {@code --config}; YAML, or a claude-code-router {@code config.json}) with its {@code ${VAR}} resolved, then
 * environment variables, then command-line flags, each named by the {@link Settings} table. The result is bound to
 * {@link ConfigFile}'s records and checked by {@link ConfigValidator}; every problem is a {@link ConfigException} that
 * names the setting, where its value came from, and what would be valid.
 */
public final class ConfigLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    private final Map<String, String> env;
    private final Consumer<String> warnings;

    /** Warnings (a key left out of a pool, an ignored claude-code-router transformer) go to the log. */
    public ConfigLoader(Map<String, String> env) {
        this(env, LOG::warn);
    }

    /**
     * @param env      the environment: overrides, {@code ${VAR}} values and {@code HOME}
     * @param warnings told about what was accepted but deserves a look, one line each
     */
    public ConfigLoader(Map<String, String> env, Consumer<String> warnings) {
        this.env = env;
        this.warnings = warnings;
    }

    /** Command-line values; null means "not given". */
    public record Flags(Integer port, String host, String upstream, Path config, Path dataDir) {
        public static final Flags NONE = new Flags(null, null, null, null, null);

        /** The flag's value by the name the {@link Settings} table gives it; null when not given. */
        String value(String flag) {
            Object value = switch (flag) {
                case "--port" -> port;
                case "--host" -> host;
                case "--upstream" -> upstream;
                case "--data-dir" -> dataDir;
                default -> throw new IllegalArgumentException("no flag " + flag);
            };
            return value == null ? null : value.toString();
        }
    }

    /**
     * The gateway's settings and the ledger's, as {@code serve} starts with them and each reload reads them, and the
     * data directory with what chose it (which {@code start} and {@code code} name too when it cannot hold their
     * gateway's log).
     */
    public record Loaded(GatewayConfig gateway, LedgerSettings ledger, DataDirectory dataDirectory) {
        /**
         * Makes the data directory ready for the ledger when the ledger is kept there (SQLite, {@code ledger.url} left
         * empty): created when missing, or refused in one line naming it and what chose it
         * ({@link DataDirectory#ensureUsable}), before the ledger's opening names its file and quotes the driver.
         *
         * @throws ConfigException when it cannot hold the ledger
         */
        public void ensureLedgerDirectory() {
            if (ledger.keptIn(dataDirectory.path())) {
                dataDirectory.ensureUsable();
            }
        }
    }

    /** The configuration as read and bound, and what chose each of its values. */
    private record Read(ConfigFile settings, Provenance provenance) {
        Loaded loaded(GatewayConfig config) {
            return new Loaded(config, ledgerSettings(settings, config.dataDir()),
                    new DataDirectory(config.dataDir(), provenance.chosenBy(DataDirectory.SETTING)));
        }
    }

    public GatewayConfig load(Flags flags) {
        return gatewayConfig(read(flags).settings(), flags);
    }

    /**
     * {@link #load} and {@link #loadLedger} from one read of the file: the start's main thread read, resolved,
     * validated and bound it twice (docs/benchmarks.md, "Every command's first 15 ms").
     */
    public Loaded loadWithLedger(Flags flags) {
        Read read = read(flags);
        return read.loaded(gatewayConfig(read.settings(), flags));
    }

    private GatewayConfig gatewayConfig(ConfigFile file, Flags flags) {
        GatewayConfig config = gatewayConfig(file).withFile(configFile(flags).orElse(null));
        warnIfOthersCanSpendTheKeys(config);
        return config;
    }

    /**
     * Listening beyond the loopback with providers' own keys and no client keys lets anyone who reaches the port
     * spend them. Allowed (a proxy in front may authenticate), but said.
     */
    private void warnIfOthersCanSpendTheKeys(GatewayConfig config) {
        boolean loopback = config.host().equals("localhost") || config.host().startsWith("127.")
                || config.host().equals("::1") || config.host().equals("[::1]");
        List<String> withKeys = config.providers().stream().filter(provider -> !provider.forwardsClientKey())
                .map(ProviderSettings::name).toList();
        if (!loopback && !config.auth().required() && !withKeys.isEmpty()) {
            warnings.accept("server.host is " + config.host() + " and auth.keys is empty: anyone who reaches port "
                    + config.port() + " spends the keys of " + String.join(", ", withKeys) + "; set auth.keys");
        }
    }

    /**
     * The {@code ledger:} section, its empty URL resolved to SQLite in the data directory (for the commands that read
     * the ledger; {@code serve} and each reload read both with {@link #loadWithLedger}). The file's warnings are not
     * said here: {@link #load} says them.
     */
    public LedgerSettings loadLedger(Flags flags) {
        return loadForLedger(flags).ledger();
    }

    /** What {@link #loadWithLedger} reads, for the commands that read the ledger: without the file's warnings. */
    public Loaded loadForLedger(Flags flags) {
        Read read = read(flags, alreadySaid -> { });
        return read.loaded(gatewayConfig(read.settings()).withFile(configFile(flags).orElse(null)));
    }

    private static LedgerSettings ledgerSettings(ConfigFile file, Path dataDir) {
        ConfigFile.Ledger ledger = file.ledger();
        LedgerSettings defaults = LedgerSettings.defaults(dataDir);
        String url = blankToNull(ledger.url());
        return new LedgerSettings(ledger.enabled() == null || ledger.enabled(),
                url == null ? defaults.url() : url.strip(),
                ledger.queueSize() == null ? defaults.queueSize() : ledger.queueSize(),
                ledger.batchIntervalMs() == null ? defaults.batchInterval()
                        : Duration.ofMillis(ledger.batchIntervalMs()));
    }

    /** The file these flags and this environment configure from, if any. */
    public Optional<Path> configFile(Flags flags) {
        if (flags.config() != null) {
            if (flags.config().toString().isBlank()) { // Path.of("") is the working directory: no file was named
                throw new ConfigException(emptyFlag("--config", "CCROUTER_CONFIG"));
            }
            return Optional.of(expandHome(flags.config().toString()));
        }
        String named = env.get("CCROUTER_CONFIG");
        return named == null || named.isBlank() ? Optional.empty() : Optional.of(expandHome(named.strip()));
    }

    /**
     * {@code ccrouter config check}: the configuration in effect, as YAML in the file's own shape, with every key
     * masked ({@link Secrets#mask}).
     */
    public String effectiveYaml(Flags flags) {
        ConfigFile file = read(flags).settings();
        GatewayConfig config = gatewayConfig(file);
        ObjectNode tree = SettingsYaml.MAPPER.valueToTree(file);
        tree.put("data_dir", config.dataDir().toString());
        tree.path("auth").path("keys").forEach(key -> mask((ObjectNode) key, "key"));
        maskAll(tree.path("auth").path("admin_keys"));
        tree.path("providers").forEach(provider -> {
            maskAll(provider.path("api_keys"));
            maskAddress(provider, "base_url");
        });
        maskAddress(tree.path("upstream"), "base_url"); // https://user:…@proxy/v1, as the log shows it
        maskPassword(tree.path("ledger"), "url");
        StringBuilder yaml = new StringBuilder("# defaults < " + configFile(flags).map(Path::toString)
                .orElse("(no file)") + " < environment < flags\n");
        if (config.providers().stream().noneMatch(p -> p.name().equals(GatewayConfig.IMPLICIT_PROVIDER))
                && config.allProviders().size() > config.providers().size()) {
            yaml.append("# provider openrouter: implicit, at upstream.base_url, forwards the client's key\n");
        }
        try {
            return yaml.append(SettingsYaml.MAPPER.writeValueAsString(tree)).toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the effective configuration cannot be written as YAML", e);
        }
    }

    private static void mask(ObjectNode holder, String field) {
        if (holder.hasNonNull(field)) {
            holder.put(field, Secrets.mask(holder.get(field).asText()));
        }
    }

    private static void maskAddress(JsonNode holder, String field) {
        if (holder instanceof ObjectNode object && object.hasNonNull(field)) {
            object.put(field, Secrets.maskAddress(object.get(field).asText()));
        }
    }

    private static void maskPassword(JsonNode holder, String field) {
        if (holder instanceof ObjectNode object && object.hasNonNull(field)) {
            object.put(field, Secrets.maskPassword(object.get(field).asText()));
        }
    }

    private static void maskAll(JsonNode keys) {
        if (keys instanceof ArrayNode list) {
            for (int i = 0; i < list.size(); i++) {
                list.set(i, new TextNode(Secrets.mask(list.get(i).asText())));
            }
        }
    }

    private Read read(Flags flags) {
        return read(flags, warnings);
    }

    private Read read(Flags flags, Consumer<String> warnings) {
        ObjectNode tree = DefaultSettings.tree();
        Path file = configFile(flags).orElse(null);
        ObjectNode fileTree = null;
        Map<ConfigPath, String> overrides = new LinkedHashMap<>();
        if (file != null) {
            fileTree = ConfigFiles.read(file, warnings);
            new EnvReferences(env, warnings, new Provenance(file, fileTree, overrides)).resolve(fileTree);
            merge(tree, fileTree);
        }
        for (Setting setting : Settings.ALL) {
            override(tree, setting, setting.env() == null ? null : env.get(setting.env()), setting.env(), overrides,
                    file);
            String flag = setting.flag() == null ? null : flags.value(setting.flag());
            if (flag != null && flag.isBlank()) {
                // A variable set empty is one left unset, as shells have it; a flag given empty is a mistake, and
                // skipping it would let the variable it is meant to beat decide after all.
                throw new ConfigException(emptyFlag(setting.flag(), setting.env()));
            }
            override(tree, setting, flag, setting.flag(), overrides, file);
        }
        normalize(tree);
        Provenance provenance = new Provenance(file, fileTree, overrides);
        ConfigValidator validator = new ConfigValidator(provenance);
        validator.checkValues(tree);
        ConfigFile bound = ConfigBinder.bind(tree, provenance);
        validator.checkAcrossSettings(bound);
        return new Read(bound, provenance);
    }

    private static void override(ObjectNode tree, Setting setting, String value, String name,
                                 Map<ConfigPath, String> overrides, Path file) {
        if (value == null || value.isBlank()) {
            return;
        }
        // A list setting ("…[]") takes its items from a comma-separated value, as an environment variable gives it.
        boolean list = setting.path().endsWith("[]");
        ConfigPath path = ConfigPath.parse(list ? setting.path().substring(0, setting.path().length() - 2)
                : setting.path());
        ObjectNode section = tree;
        ConfigPath at = ConfigPath.ROOT;
        for (String key : path.parent().segments()) {
            at = at.key(key);
            JsonNode existing = section.get(key);
            if (existing != null && !existing.isNull() && !existing.isObject()) {
                throw shapeConflict(name, path, at, existing, "a section of settings", file);
            }
            section = existing instanceof ObjectNode object ? object : section.putObject(key);
        }
        JsonNode existing = section.get(path.segments().getLast());
        if (existing != null && !existing.isNull() && (list ? !existing.isArray() : existing.isContainerNode())) {
            throw shapeConflict(name, path, path, existing, list ? "a list" : "a single value", file);
        }
        if (list) {
            ArrayNode items = section.putArray(path.segments().getLast());
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.strip());
                }
            }
        } else {
            section.put(path.segments().getLast(), value.strip());
        }
        overrides.put(path, name);
    }

    /**
     * An override for a setting the file writes in another shape (a value where the setting's section is, a section
     * where its value is): taking the override would silently drop what the file says there, so neither is taken.
     * The file's value is not shown: it may be a key, or a URL with a password.
     */
    private static ConfigException shapeConflict(String name, ConfigPath setting, ConfigPath conflicting,
                                                 JsonNode found, String expected, Path file) {
        String shape = found.isObject() ? "a section" : found.isArray() ? "a list" : "a single value";
        return new ConfigException(name + " sets " + setting + ", but " + conflicting
                + (file == null ? "" : " in " + file) + " is " + shape + " where " + expected
                + " belongs: correct the file, or " + (name.startsWith("--") ? "leave out " : "unset ") + name);
    }

    /**
     * Brings what YAML allows into the shape the records take: a fallback list split at its commas is regrouped
     * into {@code provider,model} targets ({@link Targets#regroup}), a single fallback may be written without a
     * list, a client key may be a plain string, and keys lose the blanks around them.
     */
    private static void normalize(ObjectNode tree) {
        if (tree.path("routes").path("fallbacks") instanceof ObjectNode fallbacks) {
            fallbacks.fields().forEachRemaining(entry -> {
                JsonNode value = entry.getValue();
                if (value.isTextual()) {
                    entry.setValue(JsonNodeFactory.instance.arrayNode().add(Targets.normalize(value.asText())));
                } else if (value.isArray() && allText(value)) {
                    List<String> items = new ArrayList<>();
                    value.forEach(item -> items.add(item.asText()));
                    ArrayNode targets = JsonNodeFactory.instance.arrayNode();
                    Targets.regroup(items).forEach(targets::add);
                    entry.setValue(targets);
                }
            });
        }
        if (tree.path("auth").path("keys") instanceof ArrayNode keys) {
            for (int i = 0; i < keys.size(); i++) {
                if (keys.get(i).isTextual()) {
                    keys.set(i, JsonNodeFactory.instance.objectNode().put("key", keys.get(i).asText()));
                }
                if (keys.get(i) instanceof ObjectNode key && key.get("key") != null && key.get("key").isTextual()) {
                    key.put("key", key.get("key").asText().strip());
                }
            }
        }
        stripKeys(tree.path("auth").path("admin_keys"));
        tree.path("providers").forEach(provider -> stripKeys(provider.path("api_keys")));
    }

    /**
     * Keys lose the blanks around them, as a key a client presents does: one read from a file into the environment
     * (a Kubernetes secret made with --from-file) ends in a newline, and would then match no client's key.
     */
    private static void stripKeys(JsonNode keys) {
        if (keys instanceof ArrayNode list) {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i).isTextual()) {
                    list.set(i, JsonNodeFactory.instance.textNode(list.get(i).asText().strip()));
                }
            }
        }
    }

    private static boolean allText(JsonNode list) {
        for (JsonNode item : list) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private GatewayConfig gatewayConfig(ConfigFile file) {
        ConfigFile.Server server = file.server();
        ConfigFile.Upstream upstream = file.upstream();
        return new GatewayConfig(
                server.host().strip(),
                server.port(),
                withoutTrailingSlash(URI.create(upstream.baseUrl().strip())),
                expandHome(file.dataDir().strip()),
                server.maxBodyBytes(),
                new GatewayConfig.ModelMapping(file.models().haiku().strip(), file.models().sonnet().strip(),
                        file.models().opus().strip()),
                Map.copyOf(file.maxOutputTokens()),
                Duration.ofSeconds(file.stream().pingIntervalSeconds()),
                Duration.ofSeconds(file.stream().earlyStartSeconds()),
                Duration.ofSeconds(upstream.connectTimeoutSeconds()),
                Duration.ofSeconds(upstream.readTimeoutSeconds()),
                blankToNull(upstream.httpReferer()),
                blankToNull(upstream.title()),
                Duration.ofMinutes(file.pricing().refreshMinutes()),
                Optional.ofNullable(blankToNull(server.publicUrl())).map(ConfigLoader::withoutTrailingSlash)
                        .orElse(null),
                file.providers().stream().map(ConfigLoader::immutable).toList(),
                immutable(file.routes()),
                immutable(file.auth()),
                new GatewayConfig.Edge(Duration.ofSeconds(server.headerTimeoutSeconds()),
                        Duration.ofSeconds(server.bodyTimeoutSeconds()), Duration.ofSeconds(server.idleTimeoutSeconds()),
                        server.maxConnections(), server.maxConnectionsPerClient(), server.trustedProxies(),
                        server.corsOrigins()),
                Duration.ofSeconds(server.shutdownGraceSeconds()),
                new GatewayConfig.Operator(blankToNull(file.operator().name()), blankToNull(file.operator().contact()),
                        blankToNull(file.operator().sourceUrl())),
                prices(file.prices()));
    }

    /** Price keys are targets, written {@code provider,model} like routes (blanks around the comma dropped). */
    private static Map<String, PriceSettings> prices(Map<String, PriceSettings> prices) {
        Map<String, PriceSettings> byTarget = new LinkedHashMap<>();
        prices.forEach((target, price) -> byTarget.put(target(target), price));
        return Collections.unmodifiableMap(byTarget);
    }

    private static ProviderSettings immutable(ProviderSettings provider) {
        Map<String, ProviderSettings.ModelSettings> models = new LinkedHashMap<>();
        provider.models().forEach((id, model) -> models.put(id, new ProviderSettings.ModelSettings(
                model.maxOutputTokens(), model.contextWindow(), model.images(), model.pdfs(), model.cacheControl(),
                List.copyOf(model.schemaKeywordsToStrip()), model.thinkOpenedInPrompt())));
        return new ProviderSettings(provider.name(), provider.preset(),
                provider.baseUrl() == null ? null : withoutTrailingSlash(provider.baseUrl()),
                List.copyOf(provider.apiKeys()), provider.protocol(), Collections.unmodifiableMap(models),
                provider.auth());
    }

    private static RouteSettings immutable(RouteSettings routes) {
        Map<String, List<String>> fallbacks = new LinkedHashMap<>();
        routes.fallbacks().forEach((target, list) -> fallbacks.put(Targets.normalize(target),
                list.stream().map(Targets::normalize).toList()));
        return new RouteSettings(target(routes.defaultRoute()), target(routes.background()), target(routes.think()),
                target(routes.longContext()), routes.longContextThreshold(), target(routes.webSearch()),
                target(routes.image()), Collections.unmodifiableMap(fallbacks), routes.cooldownSeconds());
    }

    private static String target(String target) {
        return target == null ? null : Targets.normalize(target);
    }

    private static AuthSettings immutable(AuthSettings auth) {
        return new AuthSettings(List.copyOf(auth.keys()), List.copyOf(auth.adminKeys()));
    }

    /** {@code ~} is {@code HOME} from the loader's environment, or, when it holds none, the account's home. */
    private Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            String home = env.get("HOME");
            return Path.of((home == null || home.isBlank() ? System.getProperty("user.home") : home)
                    + path.substring(1));
        }
        return Path.of(path);
    }

    private static URI withoutTrailingSlash(URI uri) {
        String text = uri.toString();
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }

    private static String withoutTrailingSlash(String text) {
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    private static String emptyFlag(String flag, String variable) {
        return flag + " is empty: give it a value, or leave it out for "
                + (variable == null ? "" : variable + " or ") + "the default";
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    /** A null in the file means "not set here": the value underneath stays. */
    private static void merge(ObjectNode target, ObjectNode overrides) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overrides.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode existing = target.get(entry.getKey());
            if (entry.getValue().isNull()) {
                continue;
            }
            if (existing instanceof ObjectNode existingObject && entry.getValue() instanceof ObjectNode overrideObject) {
                merge(existingObject, overrideObject);
            } else {
                target.set(entry.getKey(), entry.getValue().deepCopy());
            }
        }
    }
}
