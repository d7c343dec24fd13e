package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** claude-code-router's {@code config.json}, given as the configuration file as it is, and imported as YAML. */
class ClaudeCodeRouterConfigTest {
    static final Path README_EXAMPLE = Path.of("src/test/resources/config/ccr/readme-example.json");
    static final Path DASHSCOPE = Path.of("src/test/resources/config/ccr/dashscope-siliconflow.json");
    static final Map<String, String> KEYS = Map.of("CCR_GATEWAY_KEY", "gateway-key-0123456789",
            "OPENROUTER_API_KEY", "sk-or-v1-0123456789abcdef", "DEEPSEEK_API_KEY", "sk-deepseek-0123456789",
            "GEMINI_API_KEY", "AIza-gemini-0123456789");

    @TempDir
    Path dir;
    final List<String> warnings = new ArrayList<>();

    private GatewayConfig load(Path file, Map<String, String> env) {
        Map<String, String> withFile = new HashMap<>(env);
        withFile.put("CCROUTER_CONFIG", file.toString());
        return new ConfigLoader(withFile, warnings::add).load(ConfigLoader.Flags.NONE);
    }

    /**
     * claude-code-router has no built-in OpenRouter: its file with an APIKEY and its own providers starts as it is,
     * without the implicit openrouter provider (which would have no key to forward) stopping the start.
     */
    @Test
    void aGatewayKeyWithoutAnOpenRouterProviderStarts() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), """
                {"APIKEY": "$GATEWAY_KEY",
                 "Providers": [{"name": "deepseek", "api_base_url": "https://api.deepseek.com/chat/completions",
                                "api_key": "$DEEPSEEK_API_KEY", "models": ["deepseek-chat"],
                                "transformer": {"use": ["deepseek"]}}],
                 "Router": {"default": "deepseek,deepseek-chat"}}
                """);
        GatewayConfig config = load(file, Map.of("GATEWAY_KEY", "gateway-key-0123456789",
                "DEEPSEEK_API_KEY", "sk-deepseek-0123456789"));

        assertThat(new dev.ccrouter.route.Router(config).decide(
                new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"model\":\"claude-sonnet-4-5\"}"), 10)
                .toString()).contains("deepseek-chat");
        // A route that does name it still needs it listed with its key, as the README says.
        GatewayConfig namesIt = config.withRoutes(new RouteSettings("deepseek,deepseek-chat", null, null, null,
                RouteSettings.DEFAULT_LONG_CONTEXT_THRESHOLD, "openrouter,x/y", null, Map.of()));
        assertThatThrownBy(() -> new dev.ccrouter.route.Router(namesIt))
                .hasMessage("the built-in openrouter provider has no key of its own: with APIKEY the gateway uses "
                        + "each provider's own key and never forwards a client's key (add it to Providers in " + file
                        + " with its api_key)");
    }

    /** The provider without a key is named as the file names it: its api_key in Providers, the gateway's APIKEY. */
    @Test
    void aProviderWithoutItsApiKeyUnderAGatewayKeyIsNamedAsTheFileSpellsIt() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), """
                {"APIKEY": "$GATEWAY_KEY",
                 "Providers": [{"name": "local", "api_base_url": "http://127.0.0.1:11434/v1/chat/completions",
                                "models": ["qwen3"]},
                               {"name": "deepseek", "api_base_url": "https://api.deepseek.com/chat/completions",
                                "models": ["deepseek-chat"]}],
                 "Router": {"default": "deepseek,deepseek-chat"}}
                """);
        GatewayConfig config = load(file, Map.of("GATEWAY_KEY", "gateway-key-0123456789"));

        assertThatThrownBy(() -> new dev.ccrouter.route.Router(config))
                .hasMessage("Providers[1].api_key in " + file + " must be set for provider deepseek: with APIKEY the "
                        + "gateway uses each provider's own key and never forwards a client's key");
    }

    @Test
    void theReadmeExampleIsReadAsItIs() {
        GatewayConfig config = load(README_EXAMPLE, KEYS);

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(3456);
        assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(config.auth().keys()).containsExactly(AuthSettings.ClientKey.of("gateway-key-0123456789"));
        assertThat(config.providers()).containsExactly(
                new ProviderSettings("openrouter", "openrouter", URI.create("https://openrouter.ai/api/v1"),
                        List.of("sk-or-v1-0123456789abcdef"), null, Map.of(
                                "google/gemini-2.5-pro-preview", noOverrides(),
                                "anthropic/claude-sonnet-4", noOverrides())),
                new ProviderSettings("deepseek", "deepseek", URI.create("https://api.deepseek.com"),
                        List.of("sk-deepseek-0123456789"), null, Map.of(
                                "deepseek-chat", noOverrides(), "deepseek-reasoner", noOverrides())),
                new ProviderSettings("ollama", "ollama", URI.create("http://localhost:11434/v1"),
                        List.of("ollama"), null, Map.of("qwen2.5-coder:latest", noOverrides())),
                new ProviderSettings("gemini", "gemini", null, List.of("AIza-gemini-0123456789"), null, Map.of(
                        "gemini-2.5-flash", noOverrides(), "gemini-2.5-pro", noOverrides())),
                new ProviderSettings("modelscope", "openai-compatible",
                        URI.create("https://api-inference.modelscope.cn/v1"), List.of(), null, Map.of(
                        "Qwen/Qwen3-Coder-480B-A35B-Instruct", maxOutput(65536),
                        "Qwen/Qwen3-235B-A22B-Thinking-2507", maxOutput(65536))));
        assertThat(config.routes()).isEqualTo(new RouteSettings("deepseek,deepseek-chat",
                "ollama,qwen2.5-coder:latest", "deepseek,deepseek-reasoner", "openrouter,google/gemini-2.5-pro-preview",
                60000, "gemini,gemini-2.5-flash", "openrouter,anthropic/claude-sonnet-4", Map.of()));
        assertThat(warnings).containsExactly(
                README_EXAMPLE + ": claude-code-router transformers ccrouter does without, ignored: enhancetool, "
                        + "reasoning, tooluse (tool calls and reasoning follow each provider's preset)",
                README_EXAMPLE + ": claude-code-router settings ccrouter does not use, ignored: LOG, PROXY_URL",
                README_EXAMPLE + ": provider gemini: https://generativelanguage.googleapis.com/v1beta/models/ is not "
                        + "a chat-completions URL; the gemini preset's endpoint is used instead");
    }

    /** serve reads the settings and then the ledger's from one file: its warnings are said once. */
    @Test
    void theLedgersReadingDoesNotSayTheWarningsAgain() {
        Map<String, String> env = new HashMap<>(KEYS);
        env.put("CCROUTER_CONFIG", README_EXAMPLE.toString());
        ConfigLoader loader = new ConfigLoader(env, warnings::add);
        loader.load(ConfigLoader.Flags.NONE);
        loader.loadLedger(ConfigLoader.Flags.NONE);
        assertThat(warnings).hasSize(3).doesNotHaveDuplicates();
    }

    /** serve and each reload read both from one reading of the file: the same settings, its warnings said once. */
    @Test
    void bothFromOneReadingAreTheSettingsOfTheTwoReadings() {
        Map<String, String> env = new HashMap<>(KEYS);
        env.put("CCROUTER_CONFIG", README_EXAMPLE.toString());
        env.put("CCROUTER_LEDGER_URL", "jdbc:postgresql://db.internal/ccrouter");
        ConfigLoader.Loaded both = new ConfigLoader(env, warnings::add).loadWithLedger(ConfigLoader.Flags.NONE);
        assertThat(warnings).hasSize(3).doesNotHaveDuplicates();

        ConfigLoader separately = new ConfigLoader(env, ignored -> { });
        assertThat(both.gateway()).isEqualTo(separately.load(ConfigLoader.Flags.NONE));
        assertThat(both.ledger()).isEqualTo(separately.loadLedger(ConfigLoader.Flags.NONE))
                .isEqualTo(new LedgerSettings(true, "jdbc:postgresql://db.internal/ccrouter", 10_000,
                        Duration.ofSeconds(1)));
    }

    @Test
    void providersAreRecognisedByTheirHostAndMaxtokenBecomesACapability() {
        GatewayConfig config = load(DASHSCOPE, Map.of("DASHSCOPE_API_KEY", "sk-dashscope-0123456789",
                "SILICONFLOW_API_KEY", "sk-siliconflow-0123456789"));
        assertThat(config.providers()).containsExactly(
                new ProviderSettings("dashscope", "dashscope",
                        URI.create("https://dashscope.aliyuncs.com/compatible-mode/v1"),
                        List.of("sk-dashscope-0123456789"), null, Map.of("qwen3-coder-plus", maxOutput(65536))),
                new ProviderSettings("siliconflow", "openai-compatible", URI.create("https://api.siliconflow.cn/v1"),
                        List.of("sk-siliconflow-0123456789"), null,
                        Map.of("moonshotai/Kimi-K2-Instruct", maxOutput(16384))));
        assertThat(config.port()).isEqualTo(8787);
    }

    @Test
    void withoutAnApiKeyTheHostStaysLoopbackAsInClaudeCodeRouter() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), """
                {"HOST": "0.0.0.0", "Providers": [{"name": "deepseek", "api_key": "sk-deepseek-0123456789",
                  "api_base_url": "https://api.deepseek.com/chat/completions", "models": ["deepseek-chat"]}],
                 "Router": {"default": "deepseek,deepseek-chat"}}
                """);
        assertThat(load(file, Map.of()).host()).isEqualTo("127.0.0.1");
        assertThat(warnings).containsExactly(file + ": HOST 0.0.0.0 is ignored without APIKEY, as claude-code-router "
                + "does; the gateway listens on 127.0.0.1");
    }

    /** OpenRouter's provider routing, given to its transformer, is not something ccrouter sends: it is said. */
    @Test
    void optionsOfAProvidersTransformerAreNamedAsIgnored() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), """
                {"Providers": [{"name": "or", "api_base_url": "https://openrouter.ai/api/v1/chat/completions",
                  "api_key": "sk-or-v1-0123456789abcdef", "models": ["moonshotai/kimi-k2"],
                  "transformer": {"use": [["openrouter", {"provider": {"only": ["groq"]}, "max_price": 1}]]}}],
                 "Router": {"default": "or,moonshotai/kimi-k2"}}
                """);
        assertThat(load(file, Map.of()).providers().getFirst().preset()).isEqualTo("openrouter");
        assertThat(warnings).containsExactly(file + ": provider or: the options of transformer openrouter (provider, "
                + "max_price) are ignored; the openrouter preset takes none");
    }

    /** The Anthropic transformer's api_base_url is a Messages endpoint: its base is kept, not Anthropic's put instead. */
    @Test
    void anAnthropicProvidersMessagesUrlKeepsItsBase() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), """
                {"Providers": [{"name": "kimi", "api_base_url": "https://api.moonshot.ai/anthropic/v1/messages",
                  "api_key": "sk-moonshot-0123456789", "models": ["kimi-k2-0905-preview"],
                  "transformer": {"use": ["Anthropic"]}}],
                 "Router": {"default": "kimi,kimi-k2-0905-preview"}}
                """);
        ProviderSettings kimi = load(file, Map.of()).providers().getFirst();
        assertThat(kimi.preset()).isEqualTo("anthropic");
        assertThat(kimi.baseUrl()).isEqualTo(URI.create("https://api.moonshot.ai/anthropic/v1"));
        assertThat(warnings).isEmpty();
    }

    /** An Azure deployment's full URL: the azure preset, its endpoint cut off the path and its api-version kept. */
    @Test
    void anAzureDeploymentsUrlBecomesTheAzurePresetWithItsApiVersion() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), """
                {"Providers": [{"name": "az", "api_key": "azure-key-0123456789",
                  "api_base_url": "https://contoso.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
                  "models": ["gpt-4o"]}],
                 "Router": {"default": "az,gpt-4o"}}
                """);
        ProviderSettings azure = load(file, Map.of()).providers().getFirst();
        assertThat(azure.preset()).isEqualTo("azure");
        assertThat(azure.baseUrl()).isEqualTo(
                URI.create("https://contoso.openai.azure.com/openai/deployments/gpt-4o?api-version=2024-10-21"));
        assertThat(warnings).isEmpty();
    }

    @Test
    void aNativeAddressIsNamedWithoutTheKeyInItsQuery() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), """
                {"Providers": [{"name": "gemini", "transformer": {"use": ["gemini"]},
                  "api_base_url": "https://generativelanguage.googleapis.com/v1beta/models/?key=AIzaSyA-0123456789abcdef"}],
                 "Router": {}}
                """);
        load(file, Map.of());
        assertThat(warnings).containsExactly(file + ": provider gemini: https://generativelanguage.googleapis.com/"
                + "v1beta/models/ is not a chat-completions URL; the gemini preset's endpoint is used instead");
    }

    /** A timeout written as text is milliseconds too: "60000" is a minute, not 60,000 seconds. */
    @Test
    void aTimeoutInTextIsMillisecondsAndAReferenceIsLeftOutWithANote() throws IOException {
        Path inText = Files.writeString(dir.resolve("config.json"), """
                {"API_TIMEOUT_MS": "60000", "Providers": [], "Router": {}}
                """);
        assertThat(load(inText, Map.of()).readTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(warnings).isEmpty();

        Path aReference = Files.writeString(dir.resolve("config.json"), """
                {"API_TIMEOUT_MS": "$TIMEOUT_MS", "Providers": [], "Router": {}}
                """);
        assertThat(load(aReference, Map.of("TIMEOUT_MS", "60000")).readTimeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(warnings).containsExactly(aReference + ": API_TIMEOUT_MS '${TIMEOUT_MS}' is not a number of "
                + "milliseconds written in the file; it is ignored, and upstream.read_timeout_seconds keeps its default");
    }

    @Test
    void anUnsetVariableIsNamedAsInYamlFiles() {
        assertThatThrownBy(() -> load(DASHSCOPE, Map.of("DASHSCOPE_API_KEY", "sk-dashscope-0123456789")))
                .hasMessage("providers[1].api_keys in " + DASHSCOPE + ": none of its keys is set "
                        + "(SILICONFLOW_API_KEY): set it, or remove api_keys to forward clients' keys");
    }

    @Test
    void aRouterSlotNamingAMissingProviderNamesTheRoute() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), """
                {"Providers": [], "Router": {"default": "deepseek,deepseek-chat"}}
                """);
        assertThatThrownBy(() -> load(file, Map.of()))
                .hasMessage("routes.default in " + file + " names provider 'deepseek', which is not configured "
                        + "(providers: openrouter)");
    }

    @Test
    void brokenJsonIsReportedWithLineAndColumn() throws IOException {
        Path file = Files.writeString(dir.resolve("config.json"), "{\n  \"Providers\": [\n    {\"name\" \"x\"}\n  ]\n}\n");
        assertThatThrownBy(() -> load(file, Map.of()))
                .hasMessage("config file " + file + " line 3, column 13: not valid JSON: Unexpected "
                        + "character ('\"' (code 34)): was expecting a colon to separate field name and value");
    }

    /**
     * A key written without its quotes is not JSON, and Jackson's message quotes the bare word it stopped at: a
     * Mistral or Gemini key is one such word. The message (printed by config check, the start and a reload's
     * warning) shows only its last four characters, as keys are shown everywhere else.
     */
    @Test
    void aKeyWrittenWithoutQuotesIsNotQuotedInTheError() throws IOException {
        String key = "PLANTEDmistral0a1b2c3d4e5f6a7b8c9d";
        Path file = Files.writeString(dir.resolve("config.json"), """
                {"Providers": [{"name": "mistral", "api_base_url": "https://api.mistral.ai/v1/chat/completions",
                                "api_key": %s, "models": ["mistral-large-latest"]}],
                 "Router": {"default": "mistral,mistral-large-latest"}}
                """.formatted(key));
        assertThatThrownBy(() -> load(file, Map.of()))
                .hasMessage("config file " + file + " line 2, column 28: not valid JSON: Unrecognized token '…8c9d': "
                        + "was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')");
    }

    /**
     * claude-code-router reads its file as JSON5, and its README's example has comments: such a file, with a
     * Windows editor's byte-order mark, a comment before the '{' and trailing commas, is the same configuration.
     */
    @Test
    void aFileWithCommentsTrailingCommasAndAByteOrderMarkIsReadAsClaudeCodeRouterReadsIt() throws IOException {
        String json5 = "\uFEFF// claude-code-router, as its README writes it\n" + Files.readString(README_EXAMPLE)
                .replace("\"api_base_url\"", "// IMPORTANT: api_base_url must be a complete (full) URL.\n"
                        + "      \"api_base_url\"")
                .replace("\"PORT\": 3456,", "\"PORT\": 3456, /* the default */")
                .replace("\"image\": \"openrouter,anthropic/claude-sonnet-4\"",
                        "\"image\": \"openrouter,anthropic/claude-sonnet-4\",")
                .replace("\"models\": [\"qwen2.5-coder:latest\"]", "'models': ['qwen2.5-coder:latest',]");
        Path file = Files.writeString(dir.resolve("config.json"), json5);

        assertThat(load(file, KEYS).withFile(null)).isEqualTo(load(README_EXAMPLE, KEYS).withFile(null));
        assertThat(ConfigImport.fromClaudeCodeRouter(file, ignored -> { }))
                .isEqualTo(ConfigImport.fromClaudeCodeRouter(README_EXAMPLE, ignored -> { }));
    }

    @Test
    void importWritesYamlThatLoadsToTheSameConfiguration() throws IOException {
        String yaml = ConfigImport.fromClaudeCodeRouter(README_EXAMPLE, warnings::add);
        assertThat(yaml).contains("""
                auth:
                  keys:
                    - "${CCR_GATEWAY_KEY}"
                """).contains("""
                  - name: deepseek
                    preset: deepseek
                    base_url: https://api.deepseek.com
                    api_keys:
                      - "${DEEPSEEK_API_KEY}"
                """);
        Path imported = Files.writeString(dir.resolve("ccrouter.yaml"), yaml);
        assertThat(load(imported, KEYS).withFile(null)).isEqualTo(load(README_EXAMPLE, KEYS).withFile(null));
    }

    @Test
    void importRefusesAFileThatIsNotClaudeCodeRouters() throws IOException {
        Path yaml = Files.writeString(dir.resolve("ccrouter.yaml"), "server:\n  port: 1\n");
        assertThatThrownBy(() -> ConfigImport.fromClaudeCodeRouter(yaml, warnings::add))
                .hasMessage(yaml + " is not a claude-code-router config.json (it has no Providers or Router)");
    }

    private static ProviderSettings.ModelSettings noOverrides() {
        return new ProviderSettings.ModelSettings(null, null, null, null, List.of());
    }

    private static ProviderSettings.ModelSettings maxOutput(int tokens) {
        return new ProviderSettings.ModelSettings(tokens, null, null, null, List.of());
    }
}
