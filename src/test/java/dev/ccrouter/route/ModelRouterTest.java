package dev.ccrouter.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.translate.UpstreamTarget;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ModelRouterTest {
    final ModelRouter router = new ModelRouter(
            new GatewayConfig.ModelMapping("up/haiku", "up/sonnet", "up/opus"), Map.of("deepseek/deepseek-chat", 8192));

    @ParameterizedTest
    @CsvSource({
            "claude-haiku-4-5-20251001, up/haiku",
            "claude-3-5-haiku-latest, up/haiku",
            "claude-sonnet-5, up/sonnet",
            "claude-sonnet-4-5-20250929, up/sonnet",
            "claude-sonnet-5[1m], up/sonnet",
            "claude-opus-4-8, up/opus",
            "Claude-Opus-4-1, up/opus",
            "haiku, up/haiku",
            "opus, up/opus",
            "anthropic/claude-sonnet-4.5, anthropic/claude-sonnet-4.5",
            "deepseek/deepseek-chat, deepseek/deepseek-chat",
            "gpt-4o, gpt-4o",
    })
    void mapsFamiliesAndPassesProviderIdsThrough(String requested, String upstream) {
        UpstreamTarget target = router.route(requested);
        assertThat(target.upstreamModel()).isEqualTo(upstream);
        assertThat(target.requestedModel()).isEqualTo(requested);
    }

    @Test
    void capabilitiesFollowTheProvider() {
        assertThat(router.route("anthropic/claude-sonnet-4.5").capabilities().cacheControl()).isTrue();
        assertThat(router.route("anthropic/claude-sonnet-4.5").capabilities().cacheTtl()).isTrue();
        assertThat(router.route("google/gemini-2.5-pro").capabilities().cacheControl()).isTrue();
        assertThat(router.route("google/gemini-2.5-pro").capabilities().cacheTtl()).isFalse();
        // Breakpoints are placed for clients that send none only where the model is Claude.
        assertThat(router.route("anthropic/claude-sonnet-4.5").capabilities().autoCacheBreakpoints()).isTrue();
        assertThat(router.route("google/gemini-2.5-pro").capabilities().autoCacheBreakpoints()).isFalse();
        var deepseek = router.route("deepseek/deepseek-chat").capabilities();
        assertThat(deepseek.cacheControl()).isFalse();
        assertThat(deepseek.maxOutputTokens()).isEqualTo(8192);
        assertThat(deepseek.schemaKeywordsToStrip()).isEqualTo(Set.of("$schema"));
        assertThat(router.route("anthropic/claude-sonnet-4.5").capabilities().maxOutputTokens()).isNull();
    }
}
