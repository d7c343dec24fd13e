package dev.ccrouter.translate;

/**
 * Where one request goes, as far as translation cares.
 *
 * @param requestedModel the model string the client sent, echoed back in every response
 * @param upstreamModel  the provider's model id
 * @param capabilities   what the model accepts
 * @param dialect        how its provider speaks OpenAI chat
 */
public record UpstreamTarget(String requestedModel, String upstreamModel, ModelCapabilities capabilities,
                             Dialect dialect) {

    /** An OpenRouter target, as every target was before providers were configurable. */
    public UpstreamTarget(String requestedModel, String upstreamModel, ModelCapabilities capabilities) {
        this(requestedModel, upstreamModel, capabilities, Dialect.OPENROUTER);
    }
}
