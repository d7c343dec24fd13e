package dev.ccrouter.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.config.BaseUrls;
import dev.ccrouter.config.ConfigException;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.translate.Dialect;
import dev.ccrouter.translate.ModelCapabilities;
import dev.ccrouter.translate.UpstreamTarget;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides where a request goes, in claude-code-router's order: an explicit {@code provider,model}; long context by
 * the request's token estimate; a subagent's model tag; background (Claude's haiku family); a {@code web_search}
 * server tool; thinking with a budget; an image in the latest user turn; else the default route. Without a default
 * route, Claude family names map to the {@code models} setting on OpenRouter and other ids pass through, as before
 * providers were configurable. Each decision carries the route's fallbacks.
 *
 * <p>It also keeps what the gateway learns about its targets while it runs: which are cooling down after a failure
 * ({@link TargetCooldowns}) and each provider's key pool ({@link KeyPool}).
 */
public final class Router {
    /** The provider that always exists: OpenRouter at {@code upstream.base_url}, unless configured otherwise. */
    public static final String DEFAULT_PROVIDER = GatewayConfig.IMPLICIT_PROVIDER;
    /** The preset whose providers run web searches with OpenRouter's web plugin. */
    private static final String OPENROUTER_PRESET = "openrouter";
    /** Anthropic's own API, which runs the {@code web_search} server tool itself when the request goes as it is. */
    private static final String ANTHROPIC_PRESET = "anthropic";
    private static final String SUBAGENT_TAG_OPEN = "<CCR-SUBAGENT-MODEL>";
    private static final String SUBAGENT_TAG_CLOSE = "</CCR-SUBAGENT-MODEL>";
    private static final int MAX_REMEMBERED_CAPABILITIES = 4096;

    private final Map<String, Provider> providers;
    private final RouteSettings routes;
    private final GatewayConfig.ModelMapping families;
    private final Map<String, Integer> outputLimits;
    private final Map<String, KeyPool> keyPools;
    private final Set<String> webSearchProviders;
    private final TargetCooldowns cooldowns;
    private final RefusedFields refusedFields = new RefusedFields();
    private final ModelCatalog catalog;
    private final Map<CapabilityKey, ModelCapabilities> capabilities = new ConcurrentHashMap<>();

    public Router(GatewayConfig config) {
        this(config, ModelCatalog.NONE, Clock.systemUTC());
    }

    public Router(GatewayConfig config, ModelCatalog catalog) {
        this(config, catalog, Clock.systemUTC());
    }

    /**
     * @param catalog what OpenRouter's {@code /models} lists, for the providers priced by that catalog
     * @throws ConfigException when clients must present a gateway key ({@code auth.keys}) and a provider that takes
     *                         keys has none of its own: the client's gateway key is never forwarded
     */
    public Router(GatewayConfig config, ModelCatalog catalog, Clock clock) {
        this.catalog = catalog;
        Presets presets = new Presets();
        Map<String, Provider> byName = new LinkedHashMap<>();
        Set<String> searching = new LinkedHashSet<>();
        for (ProviderSettings settings : config.allProviders()) {
            Provider provider = provider(settings, presets, config);
            byName.put(settings.name(), provider);
            if (OPENROUTER_PRESET.equals(settings.preset())
                    || ANTHROPIC_PRESET.equals(settings.preset()) && provider.anthropicWire()) {
                searching.add(settings.name());
            }
        }
        this.providers = Map.copyOf(byName);
        this.routes = config.routes();
        this.families = config.models();
        this.outputLimits = config.maxOutputTokens();
        this.webSearchProviders = Set.copyOf(searching);
        this.cooldowns = new TargetCooldowns(routes.cooldown(), clock);
        Map<String, KeyPool> pools = new LinkedHashMap<>();
        for (Provider provider : byName.values()) {
            if (!provider.apiKeys().isEmpty()) {
                pools.put(provider.name(), new KeyPool(provider.apiKeys(), routes.cooldown(), clock));
            } else if (config.auth().required() && provider.auth() != Preset.Auth.NONE) {
                throw new ConfigException(config.providerWithoutKeys(provider.name()));
            }
        }
        this.keyPools = Map.copyOf(pools);
    }

    /**
     * @param request         the client's Messages body
     * @param estimatedTokens the request's input token estimate
     */
    public RouteDecision decide(JsonNode request, long estimatedTokens) {
        String requested = request.path("model").asText("");
        String model = stripContextSuffix(requested.strip());
        ModelRef explicit = ModelRef.parse(model);
        if (explicit != null && providers.containsKey(explicit.provider())) {
            return decision("explicit", requested, explicit);
        }
        if (routes.longContext() != null && estimatedTokens > routes.longContextThreshold()) {
            return decision("long_context", requested, ModelRef.parse(routes.longContext()));
        }
        ModelRef subagent = subagentModel(request);
        if (subagent != null && providers.containsKey(subagent.provider())) {
            return decision("subagent", requested, subagent);
        }
        if (routes.background() != null && isFamily(model, "haiku")) {
            return decision("background", requested, ModelRef.parse(routes.background()));
        }
        if (routes.webSearch() != null && RequestTraits.hasWebSearch(request)) {
            return decision("web_search", requested, ModelRef.parse(routes.webSearch()));
        }
        if (routes.think() != null && RequestTraits.thinksWithBudget(request)) {
            return decision("think", requested, ModelRef.parse(routes.think()));
        }
        if (routes.image() != null && RequestTraits.latestUserTurnHasImage(request)) {
            return decision("image", requested, ModelRef.parse(routes.image()));
        }
        if (routes.defaultRoute() != null) {
            return decision("default", requested, ModelRef.parse(routes.defaultRoute()));
        }
        return decision("family", requested, new ModelRef(DEFAULT_PROVIDER, familyModel(model)));
    }

    /**
     * The providers the routes send the client's key to (no keys of their own, and not a local server that takes
     * none), in the routes' order: the providers of every target and fallback the routes name, and the family
     * mapping's when no default route catches every request. Empty: a client's key goes nowhere, and any value serves
     * Claude Code (a client may still name another provider's model itself, {@code /model provider,model}).
     */
    public Set<String> clientKeyTakers() {
        List<String> names = new ArrayList<>();
        for (String target : routes.targets()) {
            ModelRef ref = ModelRef.parse(target);
            if (ref != null) {
                names.add(ref.provider());
            }
        }
        if (routes.defaultRoute() == null) {
            names.add(DEFAULT_PROVIDER);
        }
        Set<String> takers = new LinkedHashSet<>();
        for (String name : names) {
            Provider provider = providers.get(name);
            if (provider != null && provider.takesClientKey()) {
                takers.add(name);
            }
        }
        return takers;
    }

    /** The upstream ids the family mapping serves, for {@code GET /v1/models}. */
    public List<String> familyModels() {
        return new ArrayList<>(new LinkedHashSet<>(List.of(families.opus(), families.sonnet(), families.haiku())));
    }

    /** The provider's own keys, or null when it forwards the client's key (or takes none). */
    public KeyPool keys(Provider provider) {
        return keyPools.get(provider.name());
    }

    /**
     * Takes over what {@code previous}, the router of the configuration before a reload, learned about the providers
     * this one keeps unchanged — the same name at the same address, on the same wire, with the same auth: its keys'
     * rests (a key still in the pool), its targets' cooldowns and their refused fields. A reload for an unrelated
     * edit (a log level, a route) must not send requests back to a key that was just rate-limited or a target that
     * just failed. What a changed or removed provider learned is dropped.
     */
    public void carryOver(Router previous) {
        Set<String> unchanged = new LinkedHashSet<>();
        providers.forEach((name, provider) -> {
            if (sameProvider(provider, previous.providers.get(name))) {
                unchanged.add(name);
            }
        });
        for (String name : unchanged) {
            KeyPool pool = keyPools.get(name);
            KeyPool before = previous.keyPools.get(name);
            if (pool != null && before != null) {
                pool.carryRestsFrom(before);
            }
        }
        cooldowns.carryFrom(previous.cooldowns, unchanged::contains);
        refusedFields.carryFrom(previous.refusedFields, unchanged::contains);
    }

    private static boolean sameProvider(Provider provider, Provider before) {
        return before != null && provider.endpoint().equals(before.endpoint()) && provider.auth() == before.auth();
    }

    /** The optional fields each target has refused, left out of its later requests. */
    public RefusedFields refusedFields() {
        return refusedFields;
    }

    /** Which targets are cooling down after a failure. */
    public TargetCooldowns cooldowns() {
        return cooldowns;
    }

    /**
     * Whether the provider can run Anthropic's {@code web_search} server tool for the client: OpenRouter can, with
     * its web plugin, and Anthropic's own API (forwarded as it is) runs the tool itself; a plain OpenAI-compatible
     * provider has no such thing.
     */
    public boolean runsWebSearch(Provider provider) {
        return webSearchProviders.contains(provider.name());
    }

    /** The configured routes, for {@code GET /v1/models}. */
    public RouteSettings routes() {
        return routes;
    }

    /** The configured providers by name, the implicit OpenRouter one included. */
    public Map<String, Provider> providers() {
        return providers;
    }

    private RouteDecision decision(String route, String requested, ModelRef primary) {
        List<RouteDecision.Candidate> targets = new ArrayList<>();
        targets.add(candidate(requested, primary));
        for (String fallback : routes.fallbacks().getOrDefault(primary.toString(), List.of())) {
            ModelRef ref = ModelRef.parse(fallback);
            if (ref != null && providers.containsKey(ref.provider())) {
                targets.add(candidate(requested, ref));
            }
        }
        return new RouteDecision(route, List.copyOf(targets));
    }

    private RouteDecision.Candidate candidate(String requested, ModelRef ref) {
        Provider provider = providers.get(ref.provider());
        if (provider == null) { // the configuration is validated at load; this is a bug, not bad input
            throw new IllegalStateException("route names an unknown provider: " + ref.provider());
        }
        ModelCapabilities caps = capabilities(provider, ref.model(),
                provider.pricedByCatalog() ? catalog.facts(ref.model()) : null);
        return new RouteDecision.Candidate(provider,
                new UpstreamTarget(requested, ref.model(), caps, provider.dialect()));
    }

    /**
     * What a provider's model accepts, worked out once per model and catalog listing (globbing the preset's model
     * patterns for every target of every request was 2 % of a request's CPU). Models come from requests too, so the
     * memo stops growing at {@link #MAX_REMEMBERED_CAPABILITIES}; past that, capabilities are worked out each time.
     */
    private ModelCapabilities capabilities(Provider provider, String model, ModelCatalog.Facts listed) {
        CapabilityKey key = new CapabilityKey(provider.name(), model, listed);
        ModelCapabilities known = capabilities.get(key);
        if (known != null) {
            return known;
        }
        ModelCapabilities caps = provider.capabilities(model, listed, outputLimits.get(model));
        if (capabilities.size() < MAX_REMEMBERED_CAPABILITIES) {
            capabilities.put(key, caps);
        }
        return caps;
    }

    private record CapabilityKey(String provider, String model, ModelCatalog.Facts listed) {
    }

    /**
     * Links the capability key's record methods and its listed facts': a record's {@code equals} and
     * {@code hashCode} are bootstrapped, their method handles spun into classes, at their first call. Called at start
     * (server/FirstRequestClasses) so that it is not the first request's work, interpreted.
     */
    public static void linkKeys() {
        CapabilityKey key = new CapabilityKey("provider", "model", new ModelCatalog.Facts(1, 1, true));
        key.equals(new CapabilityKey("provider", "model", new ModelCatalog.Facts(1, 1, true)));
        key.hashCode();
    }

    String familyModel(String model) {
        if (model.contains("/")) {
            return model;
        }
        if (isFamily(model, "haiku")) {
            return families.haiku();
        }
        if (isFamily(model, "sonnet")) {
            return families.sonnet();
        }
        if (isFamily(model, "opus") || LARGER_FAMILIES.stream().anyMatch(family -> isFamily(model, family))) {
            return families.opus();
        }
        return model;
    }

    /**
     * Claude families above opus that Claude Code names (its {@code fable} alias is {@code claude-fable-5-2} in
     * 2.1.332, priced at twice opus): they map to the largest model configured, not through unchanged to an
     * upstream that has never heard of them.
     */
    private static final List<String> LARGER_FAMILIES = List.of("fable", "mythos");

    /** Any dated or versioned Claude id ({@code claude-haiku-4-5-20251001}, {@code claude-sonnet-5}) or a bare alias. */
    private static boolean isFamily(String model, String family) {
        String lower = model.toLowerCase(Locale.ROOT);
        return lower.equals(family) || lower.startsWith("claude") && lower.contains(family);
    }

    /** Claude Code marks 1M-context variants as {@code claude-sonnet-5[1m]}; the suffix is not part of any id. */
    private static String stripContextSuffix(String model) {
        int bracket = model.indexOf('[');
        return bracket > 0 && model.endsWith("]") ? model.substring(0, bracket) : model;
    }

    /**
     * claude-code-router's convention: a subagent's prompt names its model as
     * {@code <CCR-SUBAGENT-MODEL>provider,model</CCR-SUBAGENT-MODEL>} at the start of its system prompt.
     */
    private static ModelRef subagentModel(JsonNode request) {
        if (!RequestTraits.systemHolds(request, SUBAGENT_TAG_OPEN)) { // the common case, without joining the blocks
            return null;
        }
        String system = RequestTraits.systemText(request);
        int open = system.indexOf(SUBAGENT_TAG_OPEN);
        int close = open < 0 ? -1 : system.indexOf(SUBAGENT_TAG_CLOSE, open);
        return close < 0 ? null : ModelRef.parse(system.substring(open + SUBAGENT_TAG_OPEN.length(), close));
    }

    /**
     * Takes claude-code-router's tag out of the system prompt of a request routed by it, as claude-code-router does:
     * it is an instruction to the router, not words for the model (nor tokens to pay for on every turn).
     */
    public static void removeSubagentTag(JsonNode request) {
        JsonNode system = request.path("system");
        if (system.isTextual()) {
            ((ObjectNode) request).put("system", withoutSubagentTag(system.asText()));
            return;
        }
        if (!(system instanceof ArrayNode blocks)) {
            return;
        }
        for (int i = blocks.size() - 1; i >= 0; i--) {
            JsonNode block = blocks.get(i);
            JsonNode text = block.path("text");
            if (block.isObject() && text.isTextual() && text.asText().contains(SUBAGENT_TAG_OPEN)) {
                String rest = withoutSubagentTag(text.asText());
                if (rest.isBlank()) {
                    blocks.remove(i); // a block that held the tag alone: Anthropic refuses an empty text block
                } else {
                    ((ObjectNode) block).put("text", rest);
                }
            }
        }
    }

    /**
     * An Anthropic-wire address as providers publish it for Claude Code's {@code ANTHROPIC_BASE_URL}
     * ({@code https://api.moonshot.ai/anthropic}), to which Anthropic's clients add {@code /v1/messages}: the
     * version is added where it is missing, since {@code /messages} hangs off the base, as it does off the presets'.
     */
    static URI withApiVersion(URI base) {
        return BaseUrls.pathEndsWith(base, "/v1") ? base : BaseUrls.under(base, "/v1");
    }

    private static String withoutSubagentTag(String text) {
        int open = text.indexOf(SUBAGENT_TAG_OPEN);
        int close = open < 0 ? -1 : text.indexOf(SUBAGENT_TAG_CLOSE, open);
        return close < 0 ? text : text.substring(0, open) + text.substring(close + SUBAGENT_TAG_CLOSE.length());
    }

    private static Provider provider(ProviderSettings settings, Presets presets, GatewayConfig config) {
        String presetName = settings.preset() != null ? settings.preset() : "openai-compatible";
        Preset preset = presets.named(presetName);
        boolean anthropicWire = settings.protocol() != null ? "anthropic".equals(settings.protocol())
                : preset.protocol() == Preset.Protocol.ANTHROPIC;
        boolean sideDoor = anthropicWire && preset.protocol() != Preset.Protocol.ANTHROPIC;
        URI presetUrl = sideDoor ? preset.anthropicBaseUrl() : preset.baseUrl();
        URI baseUrl = settings.baseUrl() == null ? presetUrl
                : anthropicWire ? withApiVersion(settings.baseUrl()) : settings.baseUrl();
        if (baseUrl == null) {
            // a ConfigException, as every setting's: serve exits 2 with this line, config check says it (not a trace)
            throw new ConfigException(config.providerSetting(settings.name(), "base_url", "api_base_url")
                    + " must be set: the " + presetName + " preset has no default address"
                    + (sideDoor ? " for protocol: anthropic" : ""));
        }
        Preset.Auth auth = settings.auth() != null
                ? Preset.Auth.valueOf(settings.auth().toUpperCase(Locale.ROOT).replace('-', '_'))
                : sideDoor && preset.anthropicAuth() != null ? preset.anthropicAuth() : preset.auth();
        Map<String, Preset.CapabilitySpec> overrides = new LinkedHashMap<>();
        // An override that lists no schema keywords (the configuration reads an absent list as empty) keeps the
        // preset's: a model given only its output limit must not start sending keywords its provider refuses.
        settings.models().forEach((model, over) -> overrides.put(model, new Preset.CapabilitySpec(
                over.cacheControl(), null, null, over.maxOutputTokens(), over.contextWindow(), null,
                over.schemaKeywordsToStrip().isEmpty() ? null : over.schemaKeywordsToStrip(), null, over.images(),
                over.pdfs(), null, null, null, null, null, null, over.thinkOpenedInPrompt())));
        return new Provider(settings.name(), baseUrl, anthropicWire, auth, List.copyOf(settings.apiKeys()),
                dialect(preset.dialect()), preset.prices() == Preset.PriceSource.OPENROUTER_CATALOG, preset,
                Map.copyOf(overrides));
    }

    private static Dialect dialect(Preset.DialectSpec spec) {
        if (spec == null) {
            return Dialect.OPENAI_COMPATIBLE;
        }
        return new Dialect(
                Dialect.ReasoningRequest.valueOf(spec.reasoningRequest().toUpperCase(Locale.ROOT)),
                Dialect.ReasoningReplay.valueOf(spec.reasoningReplay().toUpperCase(Locale.ROOT)),
                spec.sessionId(), spec.streamUsageOption(),
                spec.maxTokensField() != null ? spec.maxTokensField() : "max_tokens",
                Boolean.TRUE.equals(spec.promptCacheKey()), Set.copyOf(spec.refusedFields()),
                Boolean.TRUE.equals(spec.assistantAfterToolResults()), spec.sessionHeader(),
                Boolean.TRUE.equals(spec.systemFirstOnly()));
    }
}
