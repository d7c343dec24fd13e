package dev.ccrouter.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.translate.Dialect;
import dev.ccrouter.translate.ModelCapabilities;
import dev.ccrouter.translate.UpstreamTarget;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouterTest {
    /**
     * The configuration checks {@code providers[].auth} against its own list, and the router reads the value as the
     * preset files spell an {@code auth} (lower case, {@code -} for {@code _}): a style added to one and not the other
     * would be refused, or fail the router.
     */
    @Test
    void everyAuthStyleTheSettingsAcceptIsOneAPresetHas() {
        assertThat(ProviderSettings.AUTH_STYLES).containsExactlyElementsOf(Arrays.stream(Preset.Auth.values())
                .map(style -> style.name().toLowerCase(Locale.ROOT).replace('_', '-')).toList());
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GatewayConfig DEFAULTS = new ConfigLoader(Map.of("HOME", "/tmp")).load(ConfigLoader.Flags.NONE);

    private final Router familyOnly = new Router(DEFAULTS
            .withModels(new GatewayConfig.ModelMapping("up/haiku", "up/sonnet", "up/opus"))
            .withMaxOutputTokens(Map.of("deepseek/deepseek-chat", 8192)));

    /** The contract: two configured providers, the implicit OpenRouter, every route slot, one fallback list. */
    private final Router routed = new Router(DEFAULTS
            .withProviders(List.of(
                    new ProviderSettings("deepseek", "openai-compatible", URI.create("http://127.0.0.1:1/v1"),
                            List.of("sk-ds"), null, Map.of()),
                    new ProviderSettings("local", "openai-compatible", URI.create("http://127.0.0.1:2/v1"),
                            List.of(), null, Map.of())))
            .withRoutes(new RouteSettings("deepseek,deepseek-chat", "local,qwen3-coder", "deepseek,deepseek-reasoner",
                    "openrouter,google/gemini-2.5-pro", 60_000, "openrouter,anthropic/claude-sonnet-4.6",
                    "openrouter,google/gemini-2.5-flash",
                    Map.of("deepseek,deepseek-chat",
                            List.of("openrouter,deepseek/deepseek-chat-v3.1", "local,qwen3-coder")))));

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
            "claude-fable-5-2, up/opus",
            "fable, up/opus",
            "claude-mythos-5, up/opus",
            "claude-opus-5-5, up/opus",
            "claude-haiku-5-5, up/haiku",
            "anthropic/claude-sonnet-4.5, anthropic/claude-sonnet-4.5",
            "deepseek/deepseek-chat, deepseek/deepseek-chat",
            "gpt-4o, gpt-4o",
    })
    void withoutRoutesFamiliesMapAndProviderIdsPassThroughOnOpenRouter(String requested, String upstream) {
        RouteDecision decision = familyOnly.decide(request(requested), 10);
        assertThat(decision.route()).isEqualTo("family");
        assertThat(decision.targets()).hasSize(1);
        UpstreamTarget target = decision.first().target();
        assertThat(target.upstreamModel()).isEqualTo(upstream);
        assertThat(target.requestedModel()).isEqualTo(requested);
        assertThat(decision.first().provider().name()).isEqualTo("openrouter");
        assertThat(target.dialect()).isEqualTo(Dialect.OPENROUTER);
    }

    @Test
    void openRouterCapabilitiesComeFromItsPresetFile() {
        assertThat(caps("anthropic/claude-sonnet-4.5")).isEqualTo(ModelCapabilities.CLAUDE);
        assertThat(caps("~anthropic/claude-sonnet-latest").autoCacheBreakpoints()).isTrue();
        ModelCapabilities gemini = caps("google/gemini-2.5-pro");
        assertThat(gemini.cacheControl()).isTrue();
        assertThat(gemini.cacheTtl()).isFalse();
        assertThat(gemini.autoCacheBreakpoints()).isFalse();
        ModelCapabilities deepseek = caps("deepseek/deepseek-chat");
        assertThat(deepseek.cacheControl()).isFalse();
        assertThat(deepseek.maxOutputTokens()).isEqualTo(8192);
        assertThat(deepseek.schemaKeywordsToStrip()).isEqualTo(Set.of("$schema"));
        assertThat(caps("anthropic/claude-sonnet-4.5").maxOutputTokens()).isNull();
    }

    @Test
    void anExplicitProviderModelWinsOverEveryRoute() {
        RouteDecision decision = routed.decide(request("local,llama3.3"), 100_000);
        assertThat(decision.route()).isEqualTo("explicit");
        assertThat(decision.first().label()).isEqualTo("local,llama3.3");
        assertThat(decision.first().target().requestedModel()).isEqualTo("local,llama3.3");
    }

    @Test
    void aRequestOverTheThresholdTakesTheLongContextRoute() {
        assertThat(routed.decide(request("claude-sonnet-5"), 60_001).first().label())
                .isEqualTo("openrouter,google/gemini-2.5-pro");
        assertThat(routed.decide(request("claude-sonnet-5"), 60_000).route()).isEqualTo("default");
    }

    @Test
    void aSubagentTagInTheSystemPromptNamesItsModel() {
        ObjectNode body = request("claude-sonnet-5");
        body.put("system", "<CCR-SUBAGENT-MODEL>local,qwen3-coder</CCR-SUBAGENT-MODEL>You review code.");
        RouteDecision decision = routed.decide(body, 10);
        assertThat(decision.route()).isEqualTo("subagent");
        assertThat(decision.first().label()).isEqualTo("local,qwen3-coder");
    }

    @Test
    void aSubagentTagInALaterSystemBlockNamesItsModel() {
        assertThat(routeAndFirst(withSystemBlocks("You are Claude Code.",
                "<CCR-SUBAGENT-MODEL>local,qwen3-coder</CCR-SUBAGENT-MODEL>You review code.")))
                .isEqualTo("subagent local,qwen3-coder");
    }

    /** As claude-code-router does: the tag is for the router, not words for the model. */
    @Test
    void theTagIsTakenOutOfTheSystemPromptItRoutedBy() {
        ObjectNode asText = request("claude-sonnet-5");
        asText.put("system", "<CCR-SUBAGENT-MODEL>local,qwen3-coder</CCR-SUBAGENT-MODEL>You review code.");
        Router.removeSubagentTag(asText);
        assertThat(asText.path("system").asText()).isEqualTo("You review code.");

        ObjectNode asBlocks = withSystemBlocks("You are Claude Code.",
                "<CCR-SUBAGENT-MODEL>local,qwen3-coder</CCR-SUBAGENT-MODEL>You review code.");
        Router.removeSubagentTag(asBlocks);
        assertThat(asBlocks.path("system").toString()).isEqualTo("[{\"type\":\"text\",\"text\":\"You are Claude Code.\"},"
                + "{\"type\":\"text\",\"text\":\"You review code.\"}]");

        ObjectNode tagAlone = withSystemBlocks("You are Claude Code.", "<CCR-SUBAGENT-MODEL>local,qwen3-coder</CCR-SUBAGENT-MODEL>\n");
        Router.removeSubagentTag(tagAlone);
        assertThat(tagAlone.path("system").toString())
                .isEqualTo("[{\"type\":\"text\",\"text\":\"You are Claude Code.\"}]"); // no empty block left
    }

    @Test
    void aTagClosedInTheNextSystemBlockNamesTheModelAcrossTheJoin() {
        assertThat(routeAndFirst(withSystemBlocks("<CCR-SUBAGENT-MODEL>local,qwen3-coder",
                "</CCR-SUBAGENT-MODEL>You review code."))).isEqualTo("subagent local,qwen3-coder");
    }

    @Test
    void anOpeningTagSplitAcrossTwoSystemBlocksIsNoTag() {
        assertThat(routed.decide(withSystemBlocks("You are Claude Code. <CCR-SUBAGENT-MODEL",
                ">local,qwen3-coder</CCR-SUBAGENT-MODEL>"), 10).route()).isEqualTo("default");
    }

    /** The route a body takes and its first target's label, as one string. */
    private String routeAndFirst(ObjectNode body) {
        RouteDecision decision = routed.decide(body, 10);
        return decision.route() + " " + decision.first().label();
    }

    /** A claude-sonnet-5 request whose system prompt is text blocks, as Claude Code sends it. */
    private static ObjectNode withSystemBlocks(String... texts) {
        ObjectNode body = request("claude-sonnet-5");
        var system = body.putArray("system");
        for (String text : texts) {
            system.addObject().put("type", "text").put("text", text);
        }
        return body;
    }

    @Test
    void haikuCallsAreBackground() {
        RouteDecision decision = routed.decide(request("claude-haiku-4-5-20251001"), 10);
        assertThat(decision.route()).isEqualTo("background");
        assertThat(decision.first().label()).isEqualTo("local,qwen3-coder");
    }

    @Test
    void aWebSearchToolTakesTheWebSearchRoute() {
        ObjectNode body = request("claude-sonnet-5");
        body.putArray("tools").addObject().put("type", "web_search_20250305").put("name", "web_search");
        assertThat(routed.decide(body, 10).first().label()).isEqualTo("openrouter,anthropic/claude-sonnet-4.6");
    }

    @Test
    void thinkingWithABudgetTakesTheThinkRoute() {
        ObjectNode body = request("claude-sonnet-5");
        body.putObject("thinking").put("type", "enabled").put("budget_tokens", 4000);
        assertThat(routed.decide(body, 10).first().label()).isEqualTo("deepseek,deepseek-reasoner");
        body.putObject("thinking").put("type", "adaptive");
        assertThat(routed.decide(body, 10).route()).isEqualTo("default");
    }

    @Test
    void anImageInTheLatestUserTurnTakesTheImageRoute() {
        ObjectNode body = request("claude-sonnet-5");
        body.putArray("messages").addObject().put("role", "user").putArray("content").addObject()
                .put("type", "image").putObject("source").put("type", "base64");
        assertThat(routed.decide(body, 10).first().label()).isEqualTo("openrouter,google/gemini-2.5-flash");
    }

    /** Consecutive user messages are one turn: an image in the first of two still takes the image route. */
    @Test
    void anImageInAnEarlierMessageOfTheLatestUserTurnTakesTheImageRoute() {
        ObjectNode body = request("claude-sonnet-5");
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "user").putArray("content").addObject()
                .put("type", "image").putObject("source").put("type", "base64");
        messages.addObject().put("role", "user").put("content", "what is it?");
        assertThat(routed.decide(body, 10).first().label()).isEqualTo("openrouter,google/gemini-2.5-flash");

        messages.insert(1, JSON.createObjectNode().put("role", "assistant").put("content", "An image."));
        assertThat(routed.decide(body, 10).route()).as("an image of an earlier turn").isEqualTo("default");
    }

    @Test
    void theDefaultRouteCarriesItsFallbacksInOrder() {
        RouteDecision decision = routed.decide(request("claude-sonnet-5"), 10);
        assertThat(decision.route()).isEqualTo("default");
        assertThat(decision.targets()).extracting(RouteDecision.Candidate::label).containsExactly(
                "deepseek,deepseek-chat", "openrouter,deepseek/deepseek-chat-v3.1", "local,qwen3-coder");
        assertThat(decision.first().provider().endpoint()).isEqualTo(URI.create("http://127.0.0.1:1/v1/chat/completions"));
        assertThat(decision.first().provider().credential("client-key")).isEqualTo("sk-ds");
        assertThat(decision.targets().get(2).provider().credential("client-key")).isEqualTo("client-key");
    }

    @Test
    void aProviderWithoutAddressIsRefusedNamingTheSetting() {
        GatewayConfig config = DEFAULTS.withProviders(List.of(
                new ProviderSettings("box", "openai-compatible", null, List.of(), null, Map.of())));
        assertThatThrownBy(() -> new Router(config))
                .isInstanceOf(dev.ccrouter.config.ConfigException.class)
                .hasMessage("providers[0].base_url must be set: the openai-compatible preset has no default address");
    }

    private ModelCapabilities caps(String model) {
        return familyOnly.decide(request(model), 10).first().target().capabilities();
    }

    private static ObjectNode request(String model) {
        ObjectNode body = JSON.createObjectNode().put("model", model).put("max_tokens", 100);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        return body;
    }
}
