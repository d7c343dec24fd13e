package dev.ccrouter.route;

import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.translate.ModelCapabilities;
import dev.ccrouter.translate.UpstreamTarget;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides where a request goes. Ids containing {@code /} are provider ids and pass through; Claude family names
 * (any dated or versioned id such as {@code claude-haiku-4-5-20251001}, {@code claude-sonnet-5},
 * {@code claude-opus-4-8}, or a bare {@code haiku}) go to the configured upstream model for that family; anything
 * else passes through unchanged, so the upstream's own "model not found" reaches the user.
 */
public final class ModelRouter {
    private static final Set<String> SCHEMA_KEYWORDS_PLAIN_PROVIDERS_REJECT = Set.of("$schema");

    private final GatewayConfig.ModelMapping families;
    private final Map<String, Integer> outputLimits;

    public ModelRouter(GatewayConfig.ModelMapping families, Map<String, Integer> outputLimits) {
        this.families = families;
        this.outputLimits = outputLimits;
    }

    public UpstreamTarget route(String requestedModel) {
        String upstream = upstreamModel(requestedModel);
        return new UpstreamTarget(requestedModel, upstream, capabilities(upstream));
    }

    String upstreamModel(String requested) {
        String model = stripContextSuffix(requested.strip());
        if (model.contains("/")) {
            return model;
        }
        String lower = model.toLowerCase(Locale.ROOT);
        if (lower.equals("haiku") || lower.startsWith("claude") && lower.contains("haiku")) {
            return families.haiku();
        }
        if (lower.equals("sonnet") || lower.startsWith("claude") && lower.contains("sonnet")) {
            return families.sonnet();
        }
        if (lower.equals("opus") || lower.startsWith("claude") && lower.contains("opus")) {
            return families.opus();
        }
        return model;
    }

    /**
     * Prompt caching by explicit breakpoints exists for Anthropic models (with 1-hour TTLs; breakpoints are placed
     * for clients that send none, since Claude caches nothing without one) and Gemini (5-minute semantics only);
     * other providers cache automatically or not at all, and some reject the markers.
     */
    ModelCapabilities capabilities(String upstreamModel) {
        String lower = upstreamModel.toLowerCase(Locale.ROOT);
        boolean anthropic = lower.startsWith("anthropic/") || lower.startsWith("~anthropic/");
        boolean gemini = lower.startsWith("google/gemini") || lower.startsWith("~google/gemini");
        ModelCapabilities base;
        if (anthropic) {
            base = ModelCapabilities.CLAUDE;
        } else if (gemini) {
            base = new ModelCapabilities(true, false, false, null, ModelCapabilities.OPENAI_TOOL_NAME_LIMIT,
                    SCHEMA_KEYWORDS_PLAIN_PROVIDERS_REJECT);
        } else {
            base = new ModelCapabilities(false, false, false, null, ModelCapabilities.OPENAI_TOOL_NAME_LIMIT,
                    SCHEMA_KEYWORDS_PLAIN_PROVIDERS_REJECT);
        }
        return base.withMaxOutputTokens(outputLimits.get(upstreamModel));
    }

    /** The upstream ids the family mapping serves, for {@code GET /v1/models}. */
    public List<String> familyModels() {
        return new ArrayList<>(new LinkedHashSet<>(List.of(families.opus(), families.sonnet(), families.haiku())));
    }

    /** Claude Code marks 1M-context variants as {@code claude-sonnet-5[1m]}; the suffix is not part of any id. */
    private static String stripContextSuffix(String model) {
        int bracket = model.indexOf('[');
        return bracket > 0 && model.endsWith("]") ? model.substring(0, bracket) : model;
    }
}
