package dev.ccrouter.translate;

/**
 * Where one request goes.
 *
 * @param requestedModel the model string the client sent, echoed back in every response
 * @param upstreamModel  the provider's model id
 */
public record UpstreamTarget(String requestedModel, String upstreamModel, ModelCapabilities capabilities) {
}
