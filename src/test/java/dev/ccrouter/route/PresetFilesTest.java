package dev.ccrouter.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.ProviderSettings;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ccrouter.translate.Dialect;
import dev.ccrouter.translate.MessagesRequestTranslator;
import dev.ccrouter.translate.ModelCapabilities;
import dev.ccrouter.translate.ToolCallIdFormat;
import dev.ccrouter.translate.UpstreamTarget;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Every built-in preset file reads strictly and gives a provider that can be used as it stands. */
class PresetFilesTest {
    private static final GatewayConfig DEFAULTS = new ConfigLoader(Map.of("HOME", "/tmp")).load(ConfigLoader.Flags.NONE);
    /** The presets that need the user's address: servers that live wherever the user runs them. */
    private static final List<String> ADDRESS_REQUIRED = List.of("openai-compatible", "vllm", "azure");

    static Stream<String> presetNames() throws IOException, URISyntaxException {
        Path folder = Path.of(Presets.class.getResource("/ccrouter/presets/").toURI());
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml"))
                    .map(name -> name.substring(0, name.length() - ".yaml".length()))
                    .sorted().toList().stream();
        }
    }

    @Test
    void everyPresetTheConfigurationAcceptsHasAFileAndNoFileIsUnreachable() throws Exception {
        assertThat(presetNames().toList()).containsExactlyInAnyOrderElementsOf(dev.ccrouter.config.Presets.NAMES);
    }

    @ParameterizedTest
    @MethodSource("presetNames")
    void eachPresetReadsStrictlyAndNamesEverythingAProviderNeeds(String name) throws IOException {
        String file = Presets.file(name);
        assertThat(PresetTree.tree(file, name)).as("read as the YAML engine reads it")
                .isEqualTo(new ObjectMapper(new YAMLFactory()).readTree(file));
        Preset preset = PresetTree.preset(file, name);
        assertThat(preset.description()).as("description").isNotBlank();
        assertThat(preset.protocol()).as("protocol").isNotNull();
        assertThat(preset.auth()).as("auth").isNotNull();
        assertThat(preset.prices()).as("prices").isNotNull();
        if (ADDRESS_REQUIRED.contains(name)) {
            assertThat(preset.baseUrl()).as("base_url").isNull();
        } else {
            assertThat(preset.baseUrl()).as("base_url").isNotNull();
            assertThat(preset.baseUrl().toString()).as("base_url without a trailing slash").doesNotEndWith("/");
        }
        if (preset.protocol() == Preset.Protocol.OPENAI) {
            Preset.DialectSpec dialect = preset.dialect();
            assertThat(dialect).as("dialect").isNotNull();
            assertThat(Dialect.ReasoningRequest.valueOf(dialect.reasoningRequest().toUpperCase())).isNotNull();
            assertThat(Dialect.ReasoningReplay.valueOf(dialect.reasoningReplay().toUpperCase())).isNotNull();
            assertThat(dialect.maxTokensField()).isIn("max_tokens", "max_completion_tokens");
        }
        if (preset.models() != null) {
            assertThat(preset.models()).allSatisfy(spec -> assertThat(spec.match()).as("models[].match").isNotEmpty());
        }
        Provider provider = provider(name, ADDRESS_REQUIRED.contains(name) ? URI.create("http://127.0.0.1:9/v1") : null);
        assertThat(provider.endpoint().toString()).endsWith(
                preset.protocol() == Preset.Protocol.ANTHROPIC ? "/messages" : "/chat/completions");
    }

    @Test
    void anUnknownKeyInAPresetIsAnError() {
        String misspelt = """
                description: x
                protocol: openai
                auth: bearer
                prices: none
                capabilities:
                  max_output_token: 10
                """;
        assertThatThrownBy(() -> PresetTree.preset(misspelt, "x.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("preset x.yaml: unknown key capabilities.max_output_token (known: auto_cache_breakpoints, "
                        + "cache_control, cache_ttl, context_window, forced_tool_choice, image_input, max_output_tokens, "
                        + "nullable_types, parallel_tool_calls, pdf_input, reasoning_efforts, reasoning_request, "
                        + "schema_keywords_to_strip, stop_sequence_limit, think_opened_in_prompt, tool_call_ids, "
                        + "tool_name_limit)");
    }

    @Test
    void anUnknownKeyInAModelEntryIsAnErrorToo() {
        String misspelt = """
                description: x
                protocol: openai
                auth: bearer
                prices: none
                models:
                  - match: ["m*"]
                    context_windw: 10
                """;
        assertThatThrownBy(() -> PresetTree.preset(misspelt, "x.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("preset x.yaml: unknown key models[0].context_windw (known: auto_cache_breakpoints, "
                        + "cache_control, cache_ttl, context_window, forced_tool_choice, image_input, match, "
                        + "max_output_tokens, nullable_types, parallel_tool_calls, pdf_input, reasoning_efforts, "
                        + "reasoning_request, schema_keywords_to_strip, stop_sequence_limit, think_opened_in_prompt, "
                        + "tool_call_ids, tool_name_limit)");
    }

    @Test
    void aMisspeltValueInAPresetIsAnErrorNamingTheChoices() {
        assertThatThrownBy(() -> PresetTree.preset("description: x\nprotocol: openai\nauth: barer\nprices: none\n",
                "x.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("preset x.yaml: auth must be one of bearer, x-api-key, api-key, none, got 'barer'");
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"a: 1.5\n", "a: yes\n", "a: 'quoted'\n",
            "a: &anchor x\n", "a: |\n  block\n", "a:\n  b: 1\n c: 2\n", "a: 1\na: 2\n", "a 1\n",
            "a: [1,\n  2\n", "- x: 1\n", "a:\n\tb: 1\n", "a: {b: 1}\n"})
    void refusesYamlBeyondWhatThePresetReaderTakesNamingTheLine(String yaml) {
        assertThatThrownBy(() -> PresetTree.tree(yaml, "x.yaml"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the preset x.yaml uses YAML beyond what its reader takes (line ");
    }

    @ParameterizedTest
    @CsvSource(nullValues = "-", value = {
            // preset,  model,                max output, context window
            "deepseek,  deepseek-flash,       393216,     1000000",
            "deepseek,  deepseek-chat,        8192,       131072",
            "moonshot,  kimi-k2.6,            -,          262144",
            "moonshot,  kimi-k3,              -,          1048576",
            "moonshot,  moonshot-v1-32k,      -,          32768",
            "gemini,    gemini-3.5-flash,     -,          1048576",
            "groq,      openai/gpt-oss-120b,  -,          -",
    })
    void presetsKnowTheirModelsLimits(String preset, String model, Integer maxOutput, Integer context) {
        ModelCapabilities caps = provider(preset, null).capabilities(model);

        assertThat(caps.maxOutputTokens()).isEqualTo(maxOutput);
        assertThat(caps.contextWindow()).isEqualTo(context);
    }

    @Test
    void deepSeekTakesSixteenStopSequencesAndImagesOnFlashOnly() {
        Provider deepseek = provider("deepseek", null);

        assertThat(deepseek.capabilities("deepseek-flash").stopSequenceLimit()).isEqualTo(16);
        assertThat(deepseek.capabilities("deepseek-flash").imageInput()).isTrue();
        assertThat(deepseek.capabilities("deepseek-v4-pro").imageInput()).isFalse();
    }

    @Test
    void moonshotV1ReadsImagesOnlyInItsVisionPreviews() {
        Provider moonshot = provider("moonshot", null);

        assertThat(moonshot.capabilities("moonshot-v1-32k").imageInput()).isFalse();
        for (String size : new String[] {"8k", "32k", "128k"}) {
            ModelCapabilities vision = moonshot.capabilities("moonshot-v1-" + size + "-vision-preview");
            assertThat(vision.imageInput()).as(size).isTrue();
            assertThat(vision.contextWindow()).as(size)
                    .isEqualTo(moonshot.capabilities("moonshot-v1-" + size).contextWindow());
        }
    }

    @ParameterizedTest
    @CsvSource({
            // Groq's Qwen 3 takes only none|default: any other level is a 400 on every thinking turn.
            "groq,     qwen/qwen3-32b,      enabled,  ,     default, ",
            "groq,     qwen/qwen3-32b,      disabled, ,     none,    ",
            "groq,     openai/gpt-oss-120b, enabled,  ,     medium,  ",
            "groq,     openai/gpt-oss-120b, disabled, ,     ,        ",
            // Kimi K3 takes reasoning_effort low|high|max, not K2's thinking object.
            "moonshot, kimi-k3,             enabled,  ,     high,    ",
            "moonshot, kimi-k3,             adaptive, max,  max,     ",
            "moonshot, kimi-k3,             adaptive, low,  low,     ",
            "moonshot, kimi-k3,             disabled, ,     ,        ",
            "moonshot, kimi-k2.6,           enabled,  ,     ,        enabled",
            "moonshot, kimi-k2.6,           disabled, ,     ,        disabled",
            // Ollama thinks by default on a model that can: thinking the client disabled must say "none".
            "ollama,   qwen3:32b,           disabled, ,     none,    ",
            "ollama,   qwen3:32b,           enabled,  ,     medium,  ",
            "ollama,   qwen3:32b,           adaptive, max,  high,    ",
            // Gemini 3 Pro knows low and high only; 3.1 Pro takes medium.
            "gemini,   gemini-3-pro-preview, adaptive, medium, high,  ",
            "gemini,   gemini-3.1-pro-preview, adaptive, medium, medium, ",
    })
    void eachModelIsAskedToThinkTheWayItTakes(String preset, String model, String thinking, String clientEffort,
                                             String effort, String thinkingType) throws IOException {
        Provider provider = provider(preset, null);
        String budget = thinking.equals("enabled") ? ", \"budget_tokens\": 8000" : "";
        String outputConfig = clientEffort == null ? "" : ", \"output_config\": {\"effort\": \"" + clientEffort + "\"}";
        ObjectMapper json = new ObjectMapper();
        JsonNode request = json.readTree("""
                {"model": "m", "max_tokens": 32000, "thinking": {"type": "%s"%s}%s,
                 "messages": [{"role": "user", "content": "hi"}]}""".formatted(thinking, budget, outputConfig));

        JsonNode body = new MessagesRequestTranslator(json).translate(request,
                new UpstreamTarget("m", model, provider.capabilities(model), provider.dialect()), null).body();

        assertThat(body.path("reasoning_effort").textValue()).as("reasoning_effort").isEqualTo(effort);
        assertThat(body.path("thinking").path("type").textValue()).as("thinking.type").isEqualTo(thinkingType);
    }

    @Test
    void groqSendsImagesToItsVisionModelsOnly() {
        Provider groq = provider("groq", null);

        assertThat(groq.capabilities("openai/gpt-oss-120b").imageInput()).isFalse();
        assertThat(groq.capabilities("qwen/qwen3-32b").imageInput()).isFalse();
        assertThat(groq.capabilities("qwen/qwen3.6-27b").imageInput()).isTrue();
        assertThat(groq.capabilities("qwen/qwen3.6-27b").reasoningEfforts()).containsExactly("none", "default");
        assertThat(groq.capabilities("meta-llama/llama-4-maverick-17b-128e-instruct").imageInput()).isTrue();
    }

    @Test
    void mistralGetsNineCharacterToolCallIdsAndOthersKeepTheirs() {
        assertThat(provider("mistral", null).capabilities("mistral-medium-3-5").toolCallIds())
                .isEqualTo(ToolCallIdFormat.ALNUM9);
        assertThat(provider("deepseek", null).capabilities("deepseek-flash").toolCallIds())
                .isEqualTo(ToolCallIdFormat.ANY);
    }

    @Test
    void geminiStripsTheSchemaKeywordsItRejectsAndRewritesTypeLists() {
        ModelCapabilities gemini = provider("gemini", null).capabilities("gemini-3.1-pro-preview");

        assertThat(gemini.schemaKeywordsToStrip())
                .contains("$schema", "additionalProperties", "exclusiveMinimum", "propertyNames", "$ref");
        assertThat(gemini.nullableTypes()).isTrue();
        assertThat(provider("openai", null).capabilities("gpt-5.1").nullableTypes()).isFalse();
    }

    @Test
    void zaiIsNotAskedForStreamUsageAndKimiGetsItsOutputField() {
        assertThat(provider("zai", null).dialect().streamUsageOption()).isFalse();
        assertThat(provider("zai", null).capabilities("glm-4.7").forcedToolChoice()).isFalse();
        assertThat(provider("deepseek", null).capabilities("deepseek-flash").forcedToolChoice()).isFalse();
        assertThat(provider("openai", null).capabilities("gpt-5.1").forcedToolChoice()).isTrue();
        assertThat(provider("moonshot", null).dialect().maxTokensField()).isEqualTo("max_completion_tokens");
        assertThat(provider("groq", null).dialect().maxTokensField()).isEqualTo("max_completion_tokens");
    }

    @Test
    void azureTakesItsKeyInAnApiKeyHeaderAndItsDeploymentsApiVersionAfterThePath() {
        Provider azure = provider("azure", URI.create(
                "https://res.openai.azure.com/openai/deployments/gpt-4o?api-version=2024-10-21"));

        assertThat(azure.endpoint()).isEqualTo(URI.create(
                "https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21"));
        assertThat(azure.authHeader()).isEqualTo("api-key");
        assertThat(azure.authValue("azure-key")).isEqualTo("azure-key");
        assertThat(azure.dialect().maxTokensField()).isEqualTo("max_completion_tokens");
    }

    @Test
    void theAnthropicPresetForwardsWithAnApiKeyHeader() {
        Provider anthropic = provider("anthropic", null);

        assertThat(anthropic.anthropicWire()).isTrue();
        assertThat(anthropic.endpoint()).isEqualTo(URI.create("https://api.anthropic.com/v1/messages"));
        assertThat(anthropic.authHeader()).isEqualTo("x-api-key");
        assertThat(anthropic.authValue("sk-ant")).isEqualTo("sk-ant");
    }

    @ParameterizedTest
    @CsvSource({
            "deepseek, https://api.deepseek.com/anthropic/v1/messages, x-api-key",
            "moonshot, https://api.moonshot.ai/anthropic/v1/messages, Authorization",
            "zai,      https://api.z.ai/api/anthropic/v1/messages,     Authorization",
            "ollama,   http://localhost:11434/v1/messages,            ",
    })
    void protocolAnthropicUsesThePresetsAnthropicSideDoor(String preset, URI endpoint, String authHeader) {
        Router router = new Router(DEFAULTS.withProviders(List.of(
                new ProviderSettings("p", preset, null, List.of("k"), "anthropic", Map.of()))));
        Provider provider = router.providers().get("p");

        assertThat(provider.anthropicWire()).isTrue();
        assertThat(provider.endpoint()).isEqualTo(endpoint);
        assertThat(provider.authHeader()).isEqualTo(authHeader);
    }

    /**
     * Providers publish their side doors as Claude Code's {@code ANTHROPIC_BASE_URL}, without the {@code /v1} that
     * Anthropic's clients add; given so, the version is added, not {@code /messages} posted one level too high.
     */
    @ParameterizedTest
    @CsvSource({
            "moonshot,  https://api.moonshot.ai/anthropic,       https://api.moonshot.ai/anthropic/v1/messages",
            "deepseek,  https://api.deepseek.com/anthropic/v1,   https://api.deepseek.com/anthropic/v1/messages",
            "zai,       https://open.bigmodel.cn/api/anthropic,  https://open.bigmodel.cn/api/anthropic/v1/messages",
            "anthropic, https://api.anthropic.com,               https://api.anthropic.com/v1/messages",
    })
    void anAnthropicWireAddressGivenAsClaudeCodesBaseUrlGetsItsVersion(String preset, URI baseUrl, URI endpoint) {
        Router router = new Router(DEFAULTS.withProviders(List.of(
                new ProviderSettings("p", preset, baseUrl, List.of("k"), "anthropic", Map.of()))));

        assertThat(router.providers().get("p").endpoint()).isEqualTo(endpoint);
    }

    @Test
    void anOpenAiWireAddressIsTakenAsItIs() {
        Router router = new Router(DEFAULTS.withProviders(List.of(new ProviderSettings("p", "openai-compatible",
                URI.create("https://llm.example.com/api"), List.of("k"), null, Map.of()))));

        assertThat(router.providers().get("p").endpoint())
                .isEqualTo(URI.create("https://llm.example.com/api/chat/completions"));
    }

    /** Ollama takes no key on its Anthropic side door either: a gateway asking clients for keys needs none for it. */
    @Test
    void ollamasSideDoorNeedsNoKeyUnderClientAuth() {
        Router router = new Router(DEFAULTS.withProviders(List.of(
                        new ProviderSettings("openrouter", "openrouter", null, List.of("sk-or-own"), null, Map.of()),
                        new ProviderSettings("local", "ollama", null, List.of(), "anthropic", Map.of())))
                .withAuth(new AuthSettings(List.of(new AuthSettings.ClientKey(null, "sk-gateway-key-0001", null, null,
                        null, null)), List.of())));

        assertThat(router.providers().get("local").authHeader()).isNull();
    }

    @Test
    void theConfigurationsImagesSwitchOverridesThePreset() {
        Router router = new Router(DEFAULTS.withProviders(List.of(new ProviderSettings("ds", "deepseek", null,
                List.of(), null, Map.of("deepseek-flash",
                        new ProviderSettings.ModelSettings(null, null, false, null, null))))));

        assertThat(router.providers().get("ds").capabilities("deepseek-flash").imageInput()).isFalse();
    }

    /** A model's override that names only its output limit leaves the schema keywords the preset strips alone. */
    @Test
    void anOverrideWithoutSchemaKeywordsKeepsThePresets() {
        Router router = new Router(DEFAULTS.withProviders(List.of(new ProviderSettings("g", "gemini", null,
                List.of(), null, Map.of("gemini-2.5-pro",
                        new ProviderSettings.ModelSettings(16000, null, null, null, null))))));
        Provider gemini = router.providers().get("g");

        assertThat(gemini.capabilities("gemini-2.5-pro").maxOutputTokens()).isEqualTo(16000);
        assertThat(gemini.capabilities("gemini-2.5-pro").schemaKeywordsToStrip())
                .isEqualTo(gemini.capabilities("gemini-2.5-flash").schemaKeywordsToStrip())
                .contains("$schema", "additionalProperties");
    }

    /**
     * A provider's own output limit for a model is more specific than {@code max_output_tokens} (which defaults.yaml
     * sets for deepseek/deepseek-chat): it wins; other models keep the global clamp.
     */
    @Test
    void aProvidersOwnOutputLimitWinsOverTheGlobalOne() {
        Router router = new Router(DEFAULTS.withProviders(List.of(new ProviderSettings("openrouter", "openrouter",
                null, List.of(), null, Map.of("deepseek/deepseek-chat",
                        new ProviderSettings.ModelSettings(16000, null, null, null, null))))));

        assertThat(candidate(router, "openrouter,deepseek/deepseek-chat").maxOutputTokens()).isEqualTo(16000);
        assertThat(candidate(router, "openrouter,deepseek/deepseek-chat-v3.1").maxOutputTokens()).isEqualTo(8192);
    }

    @Test
    void pdfsGoWhereTheProviderTakesThemAndTheConfigurationCanSayOtherwise() {
        Router router = new Router(DEFAULTS.withProviders(List.of(
                new ProviderSettings("openrouter", "openrouter", null, List.of(), null, Map.of()),
                new ProviderSettings("local", "vllm", URI.create("http://127.0.0.1:8000/v1"), List.of(), null,
                        Map.of("pdf-reader", new ProviderSettings.ModelSettings(null, null, null, true, null, null))),
                new ProviderSettings("ds", "deepseek", null, List.of(), null, Map.of()))));

        assertThat(router.providers().get("openrouter").capabilities("qwen/qwen3-coder").pdfInput()).isTrue();
        assertThat(router.providers().get("ds").capabilities("deepseek-flash").pdfInput()).isFalse();
        assertThat(router.providers().get("local").capabilities("Qwen/Qwen3-32B").pdfInput()).isFalse();
        assertThat(router.providers().get("local").capabilities("pdf-reader").pdfInput()).isTrue();
    }

    @Test
    void openRoutersCatalogFillsTheLimitsItListsAndTheConfigurationStillWins() {
        ModelCatalog catalog = model -> model.equals("vendor/model")
                ? new ModelCatalog.Facts(131072, 8192, false) : null;
        Router router = new Router(DEFAULTS.withProviders(List.of(
                new ProviderSettings("openrouter", "openrouter", null, List.of(), null, Map.of(
                        "vendor/model", new ProviderSettings.ModelSettings(null, 100000, null, null, null))),
                new ProviderSettings("ds", "deepseek", null, List.of(), null, Map.of()))), catalog);

        ModelCapabilities listed = candidate(router, "openrouter,vendor/model");
        assertThat(listed.maxOutputTokens()).isEqualTo(8192);
        assertThat(listed.contextWindow()).isEqualTo(100000); // the configuration's override
        assertThat(listed.imageInput()).isFalse();
        assertThat(candidate(router, "openrouter,other/model").maxOutputTokens()).isNull();
        // a direct provider's models are not OpenRouter's: its preset decides
        ModelCatalog everything = model -> new ModelCatalog.Facts(1000, 10, false);
        Router direct = new Router(DEFAULTS.withProviders(List.of(
                new ProviderSettings("ds", "deepseek", null, List.of(), null, Map.of()))), everything);
        assertThat(candidate(direct, "ds,deepseek-flash").maxOutputTokens()).isEqualTo(393216);
    }

    private static ModelCapabilities candidate(Router router, String model) {
        com.fasterxml.jackson.databind.node.ObjectNode request = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().put("model", model);
        return router.decide(request, 10).targets().getFirst().target().capabilities();
    }

    private static Provider provider(String preset, URI baseUrl) {
        Router router = new Router(DEFAULTS.withProviders(List.of(
                new ProviderSettings("p", preset, baseUrl, List.of(), null, Map.of()))));
        return router.providers().get("p");
    }
}
