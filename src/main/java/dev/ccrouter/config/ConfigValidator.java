package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Every check of the configuration, in one place: each value against its row of the {@link Settings} table, then
 * what spans settings (unique provider names, routes naming configured providers, unique keys). The first problem
 * is thrown as a {@link ConfigException} naming the setting, where it came from, and what would be valid.
 */
final class ConfigValidator {
    /** The endpoint a base URL's requests are posted to, written into the base URL itself. */
    private static final Pattern ENDPOINT = Pattern.compile("/(chat/completions|messages)/?(\\?.*)?$");

    private final Provenance provenance;

    ConfigValidator(Provenance provenance) {
        this.provenance = provenance;
    }

    /** Each value against its row of the table; before binding, so that an out-of-range number is named too. */
    void checkValues(JsonNode tree) {
        checkValues(tree, ConfigPath.ROOT);
    }

    /** What spans settings, once the values are bound. */
    void checkAcrossSettings(ConfigFile config) {
        checkProviders(config.providers());
        checkRoutes(config.routes(), providerNames(config.providers()));
        checkPrices(config.prices(), providerNames(config.providers()));
        checkAuth(config.auth());
    }

    private void checkValues(JsonNode node, ConfigPath path) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                checkValues(field.getValue(), path.key(field.getKey()));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                checkValues(node.get(i), path.index(i));
            }
        } else {
            Settings.forPath(path).ifPresent(setting -> {
                if (!setting.rule().accepts(node)) {
                    throw invalid(path, setting.rule(), node);
                }
                if (setting.rule() instanceof Rule.HttpUrl url) {
                    checkBase(path, url, node.asText().strip());
                }
            });
        }
    }

    /**
     * The endpoint's path is appended to a base URL's path: written into it already (as claude-code-router's
     * api_base_url is), it would be posted to twice. A query stays the query, after the endpoint ({@link BaseUrls});
     * a fragment never reaches a server, and is a URL pasted from a page rather than an API's base.
     */
    private void checkBase(ConfigPath path, Rule.HttpUrl rule, String url) {
        String problem = ENDPOINT.matcher(url).find() ? "without /chat/completions or /messages"
                : url.contains("#") ? "without a fragment" : null;
        if (problem != null) {
            throw new ConfigException(provenance.where(path) + " must be the base URL the endpoint hangs off, "
                    + problem + ", such as https://openrouter.ai/api/v1, got '" + rule.shown(url) + "'");
        }
    }

    private ConfigException invalid(ConfigPath path, Rule rule, JsonNode value) {
        if (rule instanceof Rule.Secret && value.isValueNode() && !value.isTextual() && !value.isNull()) {
            // a key of digits (a local server's dummy key) is a number to YAML: the usual wording would say "empty"
            return new ConfigException(provenance.where(path) + " must be a key in quotes: YAML reads this one as a "
                    + (value.isBoolean() ? "true or false" : "number"));
        }
        return new ConfigException(provenance.where(path) + " must be " + rule.valid()
                + (rule.echoesValue() ? ", got '" + (value.isNull() ? "" : rule.shown(value.asText())) + "'"
                : ""));
    }

    private void checkProviders(List<ProviderSettings> providers) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < providers.size(); i++) {
            ProviderSettings provider = providers.get(i);
            ConfigPath path = ConfigPath.of("providers").index(i);
            if (provider.name() == null) {
                throw new ConfigException(provenance.where(path.key("name")) + " must be set: routes name the "
                        + "provider by it (name,model)");
            }
            if (!seen.add(provider.name())) {
                throw new ConfigException(provenance.where(path.key("name")) + ": another provider is named '"
                        + Secrets.maskKeys(provider.name()) + "' already; names must be unique");
            }
            if (provider.baseUrl() == null && Presets.needsBaseUrl(provider.preset())) {
                throw new ConfigException(provenance.where(path.key("base_url")) + " must be set: the "
                        + provider.preset() + " preset has no default address (or choose a preset: "
                        + String.join(", ", Presets.NAMES) + ")");
            }
        }
    }

    private static Set<String> providerNames(List<ProviderSettings> providers) {
        Set<String> names = new TreeSet<>();
        providers.forEach(provider -> names.add(provider.name()));
        names.add(GatewayConfig.IMPLICIT_PROVIDER);
        return names;
    }

    private void checkRoutes(RouteSettings routes, Set<String> providers) {
        routes.slots().forEach((slot, target) -> checkTarget(ConfigPath.of("routes", slot), target, providers));
        routes.fallbacks().forEach((target, fallbacks) -> {
            ConfigPath path = ConfigPath.of("routes", "fallbacks", target);
            if (Targets.parse(target).isEmpty()) {
                throw new ConfigException(provenance.where(path) + ": the key must be " + new Rule.Target().valid()
                        + ", got '" + Secrets.maskKeys(target) + "'");
            }
            checkTarget(path, target, providers);
            for (int i = 0; i < fallbacks.size(); i++) {
                checkTarget(path.index(i), fallbacks.get(i), providers);
            }
        });
    }

    /** A price is looked up by the target a request went to: a key no target can be would never be applied. */
    private void checkPrices(Map<String, PriceSettings> prices, Set<String> providers) {
        prices.keySet().forEach(target -> {
            ConfigPath path = ConfigPath.of("prices", target);
            if (Targets.parse(target).isEmpty()) {
                throw new ConfigException(provenance.where(path) + ": the key must be " + new Rule.Target().valid()
                        + ", got '" + Secrets.maskKeys(target) + "'");
            }
            checkTarget(path, target, providers);
        });
    }

    private void checkTarget(ConfigPath path, String target, Set<String> providers) {
        if (target == null) {
            return;
        }
        String[] parts = Targets.parse(target).orElseThrow(() -> new ConfigException(provenance.where(path)
                + " must be " + new Rule.Target().valid() + ", got '" + Secrets.maskKeys(target) + "'"));
        if (!providers.contains(parts[0])) {
            throw new ConfigException(provenance.where(path) + " names provider '" + Secrets.maskKeys(parts[0])
                    + "', which is not "
                    + "configured (providers: " + String.join(", ", providers) + ")");
        }
    }

    private void checkAuth(AuthSettings auth) {
        Set<String> keys = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < auth.keys().size(); i++) {
            AuthSettings.ClientKey key = auth.keys().get(i);
            ConfigPath path = ConfigPath.of("auth", "keys").index(i);
            if (key.key() == null) {
                throw new ConfigException(provenance.where(path.key("key")) + " must be set: the key clients "
                        + "present");
            }
            if (!keys.add(key.key())) {
                throw new ConfigException(provenance.where(path) + ": the same key is listed twice");
            }
            if (key.name() != null && !names.add(key.name())) {
                throw new ConfigException(provenance.where(path.key("name")) + ": another key is named '"
                        + Secrets.maskKeys(key.name()) + "' already; names must be unique");
            }
        }
    }
}
