package dev.ccrouter.testing;

import dev.ccrouter.config.ProviderSettings;
import java.net.URI;
import java.util.List;
import java.util.Map;

/** Provider settings for tests: a plain OpenAI-compatible provider served by a {@link FakeUpstream}. */
public final class Providers {
    private Providers() {
    }

    /** A provider at {@code upstream}; with {@code keys} it uses its own pool, without it forwards the client's key. */
    public static ProviderSettings at(String name, FakeUpstream upstream, String... keys) {
        return new ProviderSettings(name, "openai-compatible", URI.create(upstream.baseUrl()), List.of(keys), null,
                Map.of());
    }

    /** A provider of that preset at {@code baseUrl}, with keys of its own (none: it forwards the client's key). */
    public static ProviderSettings of(String name, String preset, String baseUrl, String... keys) {
        return new ProviderSettings(name, preset, URI.create(baseUrl), List.of(keys), null, Map.of());
    }

    /** The built-in OpenRouter provider at {@code upstream}, with keys of its own. */
    public static ProviderSettings openRouter(FakeUpstream upstream, String... keys) {
        return new ProviderSettings("openrouter", "openrouter", URI.create(upstream.baseUrl()), List.of(keys), null,
                Map.of());
    }
}
