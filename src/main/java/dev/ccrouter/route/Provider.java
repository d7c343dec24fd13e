package dev.ccrouter.route;

import dev.ccrouter.config.BaseUrls;
import dev.ccrouter.translate.Dialect;
import dev.ccrouter.translate.ModelCapabilities;
import dev.ccrouter.translate.ToolCallIdFormat;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One configured provider, its preset applied: where requests go, how they authenticate and are written, and what
 * each of its models accepts.
 *
 * @param name          how routes name it
 * @param baseUrl       {@code /chat/completions} hangs off it
 * @param anthropicWire the provider serves Anthropic's {@code /v1/messages}: requests are forwarded as they are
 * @param auth          how a key is sent
 * @param apiKeys       the provider's own keys; empty: the client's key is forwarded
 * @param dialect       how requests are written
 * @param pricedByCatalog whether OpenRouter's catalog prices its models
 * @param endpoint      where requests are posted: {@code /chat/completions}, or {@code /messages} on an
 *                      Anthropic-wire provider (made once: parsing a URI on every request was 2 % of its CPU)
 */
public record Provider(String name,
                       URI baseUrl,
                       boolean anthropicWire,
                       Preset.Auth auth,
                       List<String> apiKeys,
                       Dialect dialect,
                       boolean pricedByCatalog,
                       Preset preset,
                       Map<String, Preset.CapabilitySpec> modelOverrides,
                       URI endpoint) {

    public Provider(String name, URI baseUrl, boolean anthropicWire, Preset.Auth auth, List<String> apiKeys,
                    Dialect dialect, boolean pricedByCatalog, Preset preset,
                    Map<String, Preset.CapabilitySpec> modelOverrides) {
        this(name, baseUrl, anthropicWire, auth, apiKeys, dialect, pricedByCatalog, preset, modelOverrides,
                BaseUrls.under(baseUrl, anthropicWire ? "/messages" : "/chat/completions"));
    }

    /** What {@code model} accepts: the preset's defaults, its model patterns, then the configuration's overrides. */
    public ModelCapabilities capabilities(String model) {
        return capabilities(model, null, null);
    }

    /**
     * What {@code model} accepts: the preset's defaults, its model patterns, what the provider's catalog lists for
     * it (OpenRouter's {@code /models}; null when it lists nothing), the configuration's {@code max_output_tokens}
     * for the model (null: none), then the provider's own overrides ({@code providers[].models}), the most specific.
     */
    public ModelCapabilities capabilities(String model, ModelCatalog.Facts listed, Integer outputLimit) {
        ModelCapabilities caps = apply(ModelCapabilities.PLAIN, preset.capabilities());
        if (preset.models() != null) {
            for (Preset.ModelSpec spec : preset.models()) {
                if (spec.matches(model)) {
                    caps = apply(caps, spec.capabilities());
                    break;
                }
            }
        }
        if (listed != null) {
            caps = apply(caps, new Preset.CapabilitySpec(null, null, null, listed.maxOutputTokens(),
                    listed.contextWindow(), null, null, null, listed.imageInput(), null, null, null, null, null, null, null,
                    null));
        }
        if (outputLimit != null) {
            caps = caps.withMaxOutputTokens(outputLimit);
        }
        return apply(caps, modelOverrides.get(model));
    }

    /**
     * Whether the provider tells a generation's usage and cost afterwards, by its id ({@code GET <base>/generation}):
     * how a stream cut off before its usage chunk is still billed exactly.
     */
    public boolean generationStats() {
        return preset.generationStats();
    }

    /** The credential to send: the provider's own key, or the client's when it has none. */
    public String credential(String clientKey) {
        return apiKeys.isEmpty() ? clientKey : apiKeys.getFirst();
    }

    /** Whether requests to this provider carry the client's key: it has no keys of its own, and takes one. */
    public boolean takesClientKey() {
        return apiKeys.isEmpty() && auth != Preset.Auth.NONE;
    }

    /** The header that carries a key, or null when the provider takes none. */
    public String authHeader() {
        return switch (auth) {
            case BEARER -> "Authorization";
            case X_API_KEY -> "x-api-key";
            case API_KEY -> "api-key";
            case NONE -> null;
        };
    }

    /** The header's value for a key. */
    public String authValue(String key) {
        return auth == Preset.Auth.BEARER ? "Bearer " + key : key;
    }

    static ModelCapabilities apply(ModelCapabilities caps, Preset.CapabilitySpec spec) {
        if (spec == null) {
            return caps;
        }
        return new ModelCapabilities(
                or(spec.cacheControl(), caps.cacheControl()),
                or(spec.cacheTtl(), caps.cacheTtl()),
                or(spec.autoCacheBreakpoints(), caps.autoCacheBreakpoints()),
                spec.maxOutputTokens() != null ? spec.maxOutputTokens() : caps.maxOutputTokens(),
                spec.contextWindow() != null ? spec.contextWindow() : caps.contextWindow(),
                or(spec.toolNameLimit(), caps.toolNameLimit()),
                spec.schemaKeywordsToStrip() != null ? Set.copyOf(spec.schemaKeywordsToStrip()) : caps.schemaKeywordsToStrip(),
                or(spec.stopSequenceLimit(), caps.stopSequenceLimit()),
                or(spec.imageInput(), caps.imageInput()),
                or(spec.pdfInput(), caps.pdfInput()),
                spec.toolCallIds() != null ? ToolCallIdFormat.valueOf(spec.toolCallIds().name()) : caps.toolCallIds(),
                or(spec.parallelToolCalls(), caps.parallelToolCalls()),
                or(spec.forcedToolChoice(), caps.forcedToolChoice()),
                or(spec.nullableTypes(), caps.nullableTypes()),
                spec.reasoningEfforts() != null ? spec.reasoningEfforts() : caps.reasoningEfforts(),
                or(spec.reasoningRequest(), caps.reasoningRequest()),
                or(spec.thinkOpenedInPrompt(), caps.thinkOpenedInPrompt()));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
