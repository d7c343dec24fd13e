package dev.ccrouter.config;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The names of the built-in provider presets. Their data (base URL, auth style, capabilities) lives in
 * {@code src/main/resources/ccrouter/presets/<name>.yaml}; configuration only needs to know which names exist.
 */
public final class Presets {
    /** Every preset a provider may name, in the order the documentation lists them. */
    public static final List<String> NAMES = List.of("openrouter", "deepseek", "moonshot", "zai", "dashscope", "groq",
            "gemini", "mistral", "openai", "azure", "xai", "ollama", "vllm", "llamacpp", "lmstudio", "openai-compatible",
            "anthropic");

    /** A provider that names no preset speaks plain OpenAI chat completions at its own {@code base_url}. */
    public static final String DEFAULT = "openai-compatible";

    /** Host names of providers' official endpoints, to recognise an imported provider's preset by its URL. */
    private static final Map<String, String> HOSTS = Map.ofEntries(
            Map.entry("openrouter.ai", "openrouter"),
            Map.entry("api.deepseek.com", "deepseek"),
            Map.entry("api.moonshot.ai", "moonshot"),
            Map.entry("api.moonshot.cn", "moonshot"),
            Map.entry("api.z.ai", "zai"),
            Map.entry("open.bigmodel.cn", "zai"),
            Map.entry("dashscope.aliyuncs.com", "dashscope"),
            Map.entry("dashscope-intl.aliyuncs.com", "dashscope"),
            Map.entry("api.groq.com", "groq"),
            Map.entry("generativelanguage.googleapis.com", "gemini"),
            Map.entry("api.mistral.ai", "mistral"),
            Map.entry("api.openai.com", "openai"),
            Map.entry("api.x.ai", "xai"),
            Map.entry("api.anthropic.com", "anthropic"));

    private Presets() {
    }

    /** Whether a provider with this preset must name its own {@code base_url} (the preset has none). */
    static boolean needsBaseUrl(String preset) {
        return DEFAULT.equals(preset);
    }

    /** Local servers recognisable by their default port alone. */
    private static final Map<Integer, String> LOCAL_PORTS = Map.of(11434, "ollama", 1234, "lmstudio");

    /** The preset whose official endpoint (or local server's default port) this URL points at, if any. */
    static Optional<String> byUrl(URI url) {
        String host = UrlHosts.host(url);
        if (host == null) {
            return Optional.empty();
        }
        if (LOCAL_PORTS.containsKey(UrlHosts.port(url)) && isLocal(host)) {
            return Optional.of(LOCAL_PORTS.get(UrlHosts.port(url)));
        }
        if (host.endsWith(AZURE_HOSTS)) {
            return Optional.of("azure");
        }
        return Optional.ofNullable(HOSTS.get(host));
    }

    /** Azure OpenAI's resources: {@code RESOURCE.openai.azure.com}, each its own host. */
    private static final String AZURE_HOSTS = ".openai.azure.com";

    private static boolean isLocal(String host) {
        return host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]")
                || host.equals("host.docker.internal");
    }
}
