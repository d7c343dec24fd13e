package dev.ccrouter.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the gateway is configured with, after defaults, the YAML file, the environment and flags were applied
 * (in that order, later wins).
 *
 * @param host             listen address ({@code CCROUTER_HOST}, {@code --host})
 * @param port             listen port ({@code CCROUTER_PORT}, {@code --port}); 0 picks a free one
 * @param upstreamBaseUrl  base URL of the OpenAI-compatible API; {@code /chat/completions} and {@code /models} hang off
 *                         it ({@code OPENROUTER_BASE_URL}, {@code --upstream})
 * @param dataDir          where the gateway keeps its files ({@code CCROUTER_DATA_DIR})
 * @param maxBodyBytes     largest accepted request body; larger ones get 413 {@code request_too_large}
 * @param models           the upstream model for each Claude family
 * @param maxOutputTokens  output limits per upstream model id; {@code max_tokens} above them is clamped
 * @param pingInterval     an {@code event: ping} goes to a streaming client after this much silence
 * @param connectTimeout   to open a connection to the upstream
 * @param readTimeout      longest silence tolerated from the upstream while waiting for or reading a response
 * @param httpReferer      sent upstream as {@code HTTP-Referer} (OpenRouter app attribution); null to omit
 * @param appTitle         sent upstream as {@code X-Title}; null to omit
 * @param pricingRefresh   how often the price catalog ({@code <upstream>/models}) is fetched again; zero never
 *                         fetches it (the saved copy or the bundled snapshot then prices everything)
 * @param publicUrl        the URL users reach this instance at, without a trailing slash ({@code server.public_url},
 *                         {@code CCROUTER_PUBLIC_URL}); null to derive it from each request's headers
 */
public record GatewayConfig(String host,
                            int port,
                            URI upstreamBaseUrl,
                            Path dataDir,
                            long maxBodyBytes,
                            ModelMapping models,
                            Map<String, Integer> maxOutputTokens,
                            Duration pingInterval,
                            Duration connectTimeout,
                            Duration readTimeout,
                            String httpReferer,
                            String appTitle,
                            Duration pricingRefresh,
                            String publicUrl) {

    /**
     * The upstream model id for each family name Claude Code uses ({@code ANTHROPIC_DEFAULT_*_MODEL} aliases and dated
     * ids such as {@code claude-haiku-4-5-20251001}).
     */
    public record ModelMapping(String haiku, String sonnet, String opus) {
    }

    public GatewayConfig withPort(int newPort) {
        return new GatewayConfig(host, newPort, upstreamBaseUrl, dataDir, maxBodyBytes, models, maxOutputTokens,
                pingInterval, connectTimeout, readTimeout, httpReferer, appTitle, pricingRefresh, publicUrl);
    }

    public GatewayConfig withUpstream(URI baseUrl) {
        return new GatewayConfig(host, port, baseUrl, dataDir, maxBodyBytes, models, maxOutputTokens,
                pingInterval, connectTimeout, readTimeout, httpReferer, appTitle, pricingRefresh, publicUrl);
    }

    public GatewayConfig withPingInterval(Duration interval) {
        return new GatewayConfig(host, port, upstreamBaseUrl, dataDir, maxBodyBytes, models, maxOutputTokens,
                interval, connectTimeout, readTimeout, httpReferer, appTitle, pricingRefresh, publicUrl);
    }

    public GatewayConfig withReadTimeout(Duration timeout) {
        return new GatewayConfig(host, port, upstreamBaseUrl, dataDir, maxBodyBytes, models, maxOutputTokens,
                pingInterval, connectTimeout, timeout, httpReferer, appTitle, pricingRefresh, publicUrl);
    }

    public GatewayConfig withMaxBodyBytes(long limit) {
        return new GatewayConfig(host, port, upstreamBaseUrl, dataDir, limit, models, maxOutputTokens,
                pingInterval, connectTimeout, readTimeout, httpReferer, appTitle, pricingRefresh, publicUrl);
    }

    public GatewayConfig withDataDir(Path dir) {
        return new GatewayConfig(host, port, upstreamBaseUrl, dir, maxBodyBytes, models, maxOutputTokens,
                pingInterval, connectTimeout, readTimeout, httpReferer, appTitle, pricingRefresh, publicUrl);
    }

    public GatewayConfig withPricingRefresh(Duration every) {
        return new GatewayConfig(host, port, upstreamBaseUrl, dataDir, maxBodyBytes, models, maxOutputTokens,
                pingInterval, connectTimeout, readTimeout, httpReferer, appTitle, every, publicUrl);
    }

    public GatewayConfig withPublicUrl(String url) {
        return new GatewayConfig(host, port, upstreamBaseUrl, dataDir, maxBodyBytes, models, maxOutputTokens,
                pingInterval, connectTimeout, readTimeout, httpReferer, appTitle, pricingRefresh, url);
    }
}
