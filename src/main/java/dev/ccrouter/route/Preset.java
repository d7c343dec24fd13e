package dev.ccrouter.route;

import dev.ccrouter.translate.Dialect;
import java.net.URI;
import java.util.List;

/**
 * A provider preset, read from {@code ccrouter/presets/<name>.yaml}: where the provider lives, how it authenticates,
 * how it speaks, what its models accept and where prices come from. Adding a provider means adding such a file.
 *
 * @param description  one line for people
 * @param baseUrl      null when the user must give one (local servers, plain OpenAI-compatible)
 * @param anthropicBaseUrl where the provider serves Anthropic's {@code /messages}, used when a provider built on
 *                     this preset is configured with {@code protocol: anthropic}; null when it serves none or the
 *                     user must give the address
 * @param anthropicAuth how the key is sent on that side door (null: as {@code auth})
 * @param protocol     {@code openai} (translated) or {@code anthropic} (forwarded as it is)
 * @param auth         how the key is sent
 * @param prices       where the bill's prices come from
 * @param generationStats the provider answers {@code GET <base_url>/generation?id=<the stream's id>} with what a
 *                     generation used and cost, also when its stream was cut off (OpenRouter): the ledger asks it
 *                     for a stream that ended before its usage came
 * @param dialect      how requests are written
 * @param capabilities the defaults for every model of the provider
 * @param models       overrides for models whose id matches a pattern; the first match wins
 */
record Preset(String description,
              URI baseUrl,
              URI anthropicBaseUrl,
              Auth anthropicAuth,
              Protocol protocol,
              Auth auth,
              PriceSource prices,
              boolean generationStats,
              DialectSpec dialect,
              CapabilitySpec capabilities,
              List<ModelSpec> models) {

    enum Protocol {
        OPENAI,
        ANTHROPIC
    }

    /** How the key goes upstream. */
    enum Auth {
        /** {@code Authorization: Bearer <key>} */
        BEARER,
        /** {@code x-api-key: <key>} (Anthropic-style endpoints) */
        X_API_KEY,
        /** {@code api-key: <key>} (Azure OpenAI) */
        API_KEY,
        /** no key (local servers) */
        NONE
    }

    /** Where prices come from. */
    enum PriceSource {
        /** OpenRouter's {@code /models} catalog, by upstream model id */
        OPENROUTER_CATALOG,
        /** the preset's own price table */
        TABLE,
        /** none: the bill says "no price" */
        NONE
    }

    /** The dialect as written in the file; see {@link dev.ccrouter.translate.Dialect}. */
    record DialectSpec(String reasoningRequest,
                       String reasoningReplay,
                       boolean sessionId,
                       boolean streamUsageOption,
                       String maxTokensField,
                       Boolean promptCacheKey,
                       List<String> refusedFields,
                       Boolean assistantAfterToolResults,
                       String sessionHeader,
                       Boolean systemFirstOnly) {
    }

    /** Capability settings; null fields keep what was there before. */
    record CapabilitySpec(Boolean cacheControl,
                          Boolean cacheTtl,
                          Boolean autoCacheBreakpoints,
                          Integer maxOutputTokens,
                          Integer contextWindow,
                          Integer toolNameLimit,
                          List<String> schemaKeywordsToStrip,
                          Integer stopSequenceLimit,
                          Boolean imageInput,
                          Boolean pdfInput,
                          ToolCallIds toolCallIds,
                          Boolean parallelToolCalls,
                          Boolean forcedToolChoice,
                          Boolean nullableTypes,
                          List<String> reasoningEfforts,
                          Dialect.ReasoningRequest reasoningRequest,
                          Boolean thinkOpenedInPrompt) {
    }

    /** The tool-call id alphabet; see {@link dev.ccrouter.translate.ToolCallIdFormat}. */
    enum ToolCallIds {
        ANY,
        ALNUM9
    }

    /**
     * Capability settings for the models whose id matches one of {@code match} ({@code *} matches anything). In the
     * file an entry is its {@code match} list beside the same keys as {@code capabilities}, read as strictly
     * ({@link PresetTree}).
     */
    record ModelSpec(List<String> match, CapabilitySpec capabilities) {

        boolean matches(String model) {
            return match.stream().anyMatch(pattern -> glob(pattern, model));
        }

        /**
         * {@code *} matches any run of characters; everything else matches itself, ignoring case. Plain string
         * searches, no regular expression: this runs for every target of every request.
         */
        static boolean glob(String pattern, String text) {
            String[] literals = pattern.toLowerCase(java.util.Locale.ROOT).split("\\*", -1);
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            if (literals.length == 1) {
                return lower.equals(literals[0]);
            }
            String last = literals[literals.length - 1];
            if (!lower.startsWith(literals[0]) || lower.length() < literals[0].length() + last.length()) {
                return false;
            }
            int at = literals[0].length();
            for (int i = 1; i < literals.length - 1; i++) {
                int found = lower.indexOf(literals[i], at);
                if (found < 0) {
                    return false;
                }
                at = found + literals[i].length();
            }
            return lower.length() - at >= last.length() && lower.endsWith(last);
        }
    }
}
