package dev.ccrouter.config;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * One configured provider ({@code providers:} list item).
 *
 * @param name     how routes name it: {@code name,model}
 * @param preset   a built-in preset (base URL, auth, protocol, capabilities), e.g. {@code deepseek}, {@code ollama};
 *                 {@code openai-compatible} when absent
 * @param baseUrl  overrides the preset's base URL ({@code /chat/completions} hangs off it); null: the preset's
 * @param apiKeys  the provider's own keys, used round-robin; empty: the client's key is forwarded
 * @param protocol {@code openai} or {@code anthropic}; null: the preset's
 * @param models   per-model capability overrides, by upstream model id
 * @param auth     how a key goes to the provider ({@code bearer}, {@code x-api-key}, {@code api-key} or {@code none});
 *                 null: the preset's
 */
public record ProviderSettings(String name,
                               String preset,
                               URI baseUrl,
                               List<String> apiKeys,
                               String protocol,
                               Map<String, ModelSettings> models,
                               String auth) {

    /** The values {@code auth} takes. */
    public static final List<String> AUTH_STYLES = List.of("bearer", "x-api-key", "api-key", "none");

    /** Absent lists and maps are empty, an absent preset is {@value Presets#DEFAULT}. */
    public ProviderSettings {
        preset = preset == null ? Presets.DEFAULT : preset;
        apiKeys = apiKeys == null ? List.of() : apiKeys;
        models = models == null ? Map.of() : models;
    }

    /** A provider whose keys go as its preset says. */
    public ProviderSettings(String name, String preset, URI baseUrl, List<String> apiKeys, String protocol,
                            Map<String, ModelSettings> models) {
        this(name, preset, baseUrl, apiKeys, protocol, models, null);
    }

    /** As a record shows itself, but with its keys and a password in its address masked: never whole in a message. */
    @Override
    public String toString() {
        return "ProviderSettings[name=" + name + ", preset=" + preset + ", baseUrl="
                + (baseUrl == null ? null : Secrets.maskAddress(baseUrl.toString())) + ", apiKeys="
                + apiKeys.stream().map(Secrets::mask).toList() + ", protocol=" + protocol + ", models=" + models
                + ", auth=" + auth + "]";
    }

    /** Whether the client's own key is forwarded to this provider (it has no keys of its own). */
    public boolean forwardsClientKey() {
        return apiKeys.isEmpty();
    }

    /**
     * Capability overrides for one model; every field is optional (null: the preset's or the catalog's value).
     *
     * @param maxOutputTokens        {@code max_tokens} above it is clamped
     * @param contextWindow          requests estimated above it get {@code prompt is too long} before any call
     * @param images                 whether the model takes image input
     * @param pdfs                   whether the provider takes PDFs for the model (as OpenAI {@code file} parts)
     * @param cacheControl           whether Anthropic-style {@code cache_control} markers are forwarded
     * @param schemaKeywordsToStrip  JSON-Schema keywords removed from tool parameters
     * @param thinkOpenedInPrompt    the model's chat template opens {@code <think>} at the end of the prompt, so its
     *                               content begins inside the reasoning and {@code </think>} ends it
     */
    public record ModelSettings(Integer maxOutputTokens,
                                Integer contextWindow,
                                Boolean images,
                                Boolean pdfs,
                                Boolean cacheControl,
                                List<String> schemaKeywordsToStrip,
                                Boolean thinkOpenedInPrompt) {
        public ModelSettings {
            schemaKeywordsToStrip = schemaKeywordsToStrip == null ? List.of() : schemaKeywordsToStrip;
        }

        /** Overrides that leave the reasoning's tags as the preset reads them. */
        public ModelSettings(Integer maxOutputTokens, Integer contextWindow, Boolean images, Boolean pdfs,
                             Boolean cacheControl, List<String> schemaKeywordsToStrip) {
            this(maxOutputTokens, contextWindow, images, pdfs, cacheControl, schemaKeywordsToStrip, null);
        }

        /** Overrides that leave PDFs and the reasoning's tags as the preset says. */
        public ModelSettings(Integer maxOutputTokens, Integer contextWindow, Boolean images, Boolean cacheControl,
                             List<String> schemaKeywordsToStrip) {
            this(maxOutputTokens, contextWindow, images, null, cacheControl, schemaKeywordsToStrip, null);
        }
    }
}
