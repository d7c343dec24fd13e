package dev.ccrouter.route;

/**
 * What a provider's model list says about one model (OpenRouter's {@code GET /models}): its context window, its
 * output limit, whether it reads images. The server answers from the price catalog's in-memory snapshot, so a
 * lookup never waits for the network; {@code route} does not know where the facts come from.
 */
@FunctionalInterface
public interface ModelCatalog {
    /** A catalog that knows nothing: capabilities come from presets and configuration only. */
    ModelCatalog NONE = model -> null;

    /** The facts listed for {@code model}, or null when the catalog does not list it. */
    Facts facts(String model);

    /**
     * @param contextWindow   {@code context_length}, or null
     * @param maxOutputTokens {@code top_provider.max_completion_tokens}, or null
     * @param imageInput      whether {@code architecture.input_modalities} lists {@code image}; null when the
     *                        catalog lists no modalities
     */
    record Facts(Integer contextWindow, Integer maxOutputTokens, Boolean imageInput) {
    }
}
