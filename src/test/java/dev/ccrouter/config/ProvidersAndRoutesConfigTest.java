package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code auth:}, {@code providers:} and {@code routes:} sections: the issue's contract, then each rule. */
class ProvidersAndRoutesConfigTest {
    static final String CONTRACT = """
            auth:
              keys: ["${CCROUTER_KEY}"]      # set: clients must present one (x-api-key or Bearer) and providers use their own keys
            providers:
              - name: deepseek
                preset: deepseek             # base URL, auth style and capabilities from a built-in preset
                api_keys: ["${DEEPSEEK_API_KEY}", "${DEEPSEEK_API_KEY_2}"]   # a pool; absent: the client's key is forwarded
              - name: local
                preset: ollama
                base_url: http://127.0.0.1:11434/v1
            routes:
              default: deepseek,deepseek-chat
              background: local,qwen3-coder
              think: deepseek,deepseek-reasoner
              long_context: openrouter,google/gemini-2.5-pro
              long_context_threshold: 60000
              web_search: openrouter,anthropic/claude-sonnet-4.6
              image: openrouter,google/gemini-2.5-flash
              fallbacks:
                deepseek,deepseek-chat: [openrouter,deepseek/deepseek-chat-v3.1, local,qwen3-coder]
            """;

    @TempDir
    Path dir;
    final List<String> warnings = new ArrayList<>();

    private GatewayConfig load(String yaml, Map<String, String> env) throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), yaml);
        Map<String, String> withFile = new HashMap<>(env);
        withFile.put("CCROUTER_CONFIG", file.toString());
        return new ConfigLoader(withFile, warnings::add).load(ConfigLoader.Flags.NONE);
    }

    private String file() {
        return dir.resolve("ccrouter.yaml").toString();
    }

    @Test
    void theContractIsAcceptedExactly() throws IOException {
        GatewayConfig config = load(CONTRACT, Map.of("CCROUTER_KEY", "gw-key-0123456789",
                "DEEPSEEK_API_KEY", "sk-deepseek-first"));

        assertThat(config.auth()).isEqualTo(new AuthSettings(
                List.of(AuthSettings.ClientKey.of("gw-key-0123456789")), List.of()));
        assertThat(config.auth().required()).isTrue();
        assertThat(config.providers()).containsExactly(
                new ProviderSettings("deepseek", "deepseek", null, List.of("sk-deepseek-first"), null, Map.of()),
                new ProviderSettings("local", "ollama", URI.create("http://127.0.0.1:11434/v1"), List.of(), null,
                        Map.of()));
        assertThat(config.routes()).isEqualTo(new RouteSettings("deepseek,deepseek-chat", "local,qwen3-coder",
                "deepseek,deepseek-reasoner", "openrouter,google/gemini-2.5-pro", 60000,
                "openrouter,anthropic/claude-sonnet-4.6", "openrouter,google/gemini-2.5-flash",
                Map.of("deepseek,deepseek-chat", List.of("openrouter,deepseek/deepseek-chat-v3.1", "local,qwen3-coder"))));
        assertThat(config.allProviders()).extracting(ProviderSettings::name)
                .containsExactly("deepseek", "local", "openrouter");
        assertThat(warnings).containsExactly("providers[0].api_keys[1] in " + file()
                + ": DEEPSEEK_API_KEY_2 is not set; that key is left out");
    }

    @Test
    void aPoolKeyWhoseVariableIsEmptyIsSaidToBeEmpty() throws IOException {
        load(CONTRACT, Map.of("CCROUTER_KEY", "gw-key-0123456789", "DEEPSEEK_API_KEY", "sk-deepseek-first",
                "DEEPSEEK_API_KEY_2", ""));

        assertThat(warnings).containsExactly("providers[0].api_keys[1] in " + file()
                + ": DEEPSEEK_API_KEY_2 is empty; that key is left out");
    }

    @Test
    void yamlSplitsAFlowSequenceAtEveryComma() throws IOException {
        JsonNode list = new ObjectMapper(new YAMLFactory())
                .readTree("[openrouter,deepseek/deepseek-chat-v3.1, local,qwen3-coder]");
        assertThat(list.toString()).isEqualTo("[\"openrouter\",\"deepseek/deepseek-chat-v3.1\",\"local\",\"qwen3-coder\"]");
        assertThat(Targets.regroup(List.of("openrouter", "deepseek/deepseek-chat-v3.1", "local", "qwen3-coder")))
                .containsExactly("openrouter,deepseek/deepseek-chat-v3.1", "local,qwen3-coder");
        assertThat(Targets.regroup(List.of("local,qwen3-coder", "openrouter", "x-ai/grok-4", "deepseek, deepseek-chat")))
                .containsExactly("local,qwen3-coder", "openrouter,x-ai/grok-4", "deepseek,deepseek-chat");
    }

    @Test
    void fallbacksMayBeQuotedTargetsABlockListOrOneTarget() throws IOException {
        GatewayConfig config = load("""
                routes:
                  fallbacks:
                    openrouter,a/b: ["openrouter,c/d", "openrouter,e/f"]
                    openrouter,c/d:
                      - openrouter,a/b
                    openrouter,e/f: openrouter, a/b
                """, Map.of());
        assertThat(config.routes().fallbacks()).isEqualTo(Map.of(
                "openrouter,a/b", List.of("openrouter,c/d", "openrouter,e/f"),
                "openrouter,c/d", List.of("openrouter,a/b"),
                "openrouter,e/f", List.of("openrouter,a/b")));
    }

    @Test
    void aRouteMustNameAConfiguredProvider() {
        assertThatThrownBy(() -> load("routes:\n  background: local,qwen3-coder\n", Map.of()))
                .hasMessage("routes.background in " + file() + " names provider 'local', which is not configured "
                        + "(providers: openrouter)");
        assertThatThrownBy(() -> load("""
                providers:
                  - {name: deepseek, preset: deepseek}
                routes:
                  fallbacks:
                    deepseek,deepseek-chat: [groq,llama-3.3-70b]
                """, Map.of()))
                .hasMessage("routes.fallbacks.deepseek,deepseek-chat[0] in " + file() + " names provider 'groq', "
                        + "which is not configured (providers: deepseek, openrouter)");
    }

    @Test
    void routesAreProviderCommaModel() {
        assertThatThrownBy(() -> load("routes:\n  default: deepseek-chat\n", Map.of()))
                .hasMessage("routes.default in " + file() + " must be provider,model such as deepseek,deepseek-chat, "
                        + "got 'deepseek-chat'");
        assertThatThrownBy(() -> load("routes:\n  fallbacks:\n    deepseek-chat: [openrouter,a/b]\n", Map.of()))
                .hasMessage("routes.fallbacks.deepseek-chat in " + file() + ": the key must be provider,model such as "
                        + "deepseek,deepseek-chat, got 'deepseek-chat'");
        assertThatThrownBy(() -> load("routes:\n  long_context_threshold: 0\n", Map.of()))
                .hasMessage("routes.long_context_threshold in " + file() + " must be a whole number from 1 to "
                        + "2147483647, got '0'");
        assertThatThrownBy(() -> load("routes:\n  cooldown_seconds: 99999999999\n", Map.of()))
                .hasMessage("routes.cooldown_seconds in " + file() + " must be a whole number from 1 to 2147483647, "
                        + "got '99999999999'");
    }

    @Test
    void providersAreNamedUniquelyWithAKnownPreset() {
        assertThatThrownBy(() -> load("providers:\n  - {name: a, preset: deepsek}\n", Map.of()))
                .hasMessage("providers[0].preset in " + file() + " must be one of openrouter, deepseek, moonshot, zai, "
                        + "dashscope, groq, gemini, mistral, openai, azure, xai, ollama, vllm, llamacpp, lmstudio, "
                        + "openai-compatible, anthropic, got 'deepsek'");
        assertThatThrownBy(() -> load("providers:\n  - {name: a, preset: groq}\n  - {name: a, preset: groq}\n", Map.of()))
                .hasMessage("providers[1].name in " + file() + ": another provider is named 'a' already; names must "
                        + "be unique");
        assertThatThrownBy(() -> load("providers:\n  - {preset: groq}\n", Map.of()))
                .hasMessage("providers[0].name in " + file() + " must be set: routes name the provider by it "
                        + "(name,model)");
        assertThatThrownBy(() -> load("providers:\n  - {name: 'my provider', preset: groq}\n", Map.of()))
                .hasMessage("providers[0].name in " + file() + " must be a name of letters, digits and . _ - "
                        + "(no commas), got 'my provider'");
        assertThatThrownBy(() -> load("providers:\n  - {name: vllm-box}\n", Map.of()))
                .hasMessage("providers[0].base_url in " + file() + " must be set: the openai-compatible preset has "
                        + "no default address (or choose a preset: openrouter, deepseek, moonshot, zai, dashscope, "
                        + "groq, gemini, mistral, openai, azure, xai, ollama, vllm, llamacpp, lmstudio, "
                        + "openai-compatible, anthropic)");
        assertThatThrownBy(() -> load("providers:\n  - {name: a, base_url: 'localhost:8000/v1'}\n", Map.of()))
                .hasMessage("providers[0].base_url in " + file() + " must be an http(s) URL such as "
                        + "https://openrouter.ai/api/v1, got 'localhost:8000/v1'");
        assertThatThrownBy(() -> load("providers:\n  - {name: a, preset: groq, protocol: grpc}\n", Map.of()))
                .hasMessage("providers[0].protocol in " + file() + " must be one of openai, anthropic, got 'grpc'");
    }

    @Test
    void anExplicitOpenrouterProviderReplacesTheImplicitOne() throws IOException {
        GatewayConfig config = load("""
                providers:
                  - name: openrouter
                    preset: openrouter
                    api_keys: ["${OPENROUTER_API_KEY}"]
                """, Map.of("OPENROUTER_API_KEY", "sk-or-v1-team"));
        assertThat(config.allProviders()).containsExactly(new ProviderSettings("openrouter", "openrouter", null,
                List.of("sk-or-v1-team"), null, Map.of()));
    }

    /** A server that takes its key another way than its preset's (a proxy wanting x-api-key, Azure with an Entra token). */
    @Test
    void aProvidersAuthStyleOverridesItsPresets() throws IOException {
        GatewayConfig config = load("""
                providers:
                  - name: proxy
                    base_url: http://10.0.0.5:4000/v1
                    api_keys: [proxy-key-1]
                    auth: x-api-key
                """, Map.of());
        assertThat(config.providers().getFirst().auth()).isEqualTo("x-api-key");
        assertThatThrownBy(() -> load("providers:\n  - {name: p, base_url: 'http://h:1/v1', auth: basic}\n", Map.of()))
                .hasMessage("providers[0].auth in " + file() + " must be one of bearer, x-api-key, api-key, none, "
                        + "got 'basic'");
    }

    @Test
    void modelCapabilitiesAreTyped() throws IOException {
        GatewayConfig config = load("""
                providers:
                  - name: local
                    preset: llamacpp
                    base_url: http://127.0.0.1:8080/v1/
                    models:
                      qwen3-coder-30b:
                        max_output_tokens: 16384
                        context_window: 65536
                        images: false
                        pdfs: true
                        cache_control: false
                        schema_keywords_to_strip: [$schema, additionalProperties]
                      deepseek-r1-distill-qwen-32b:
                        think_opened_in_prompt: true
                """, Map.of());
        ProviderSettings local = config.providers().getFirst();
        assertThat(local.baseUrl()).isEqualTo(URI.create("http://127.0.0.1:8080/v1"));
        assertThat(local.models()).isEqualTo(Map.of("qwen3-coder-30b", new ProviderSettings.ModelSettings(
                16384, 65536, false, true, false, List.of("$schema", "additionalProperties")),
                "deepseek-r1-distill-qwen-32b", new ProviderSettings.ModelSettings(
                        null, null, null, null, null, List.of(), true)));
        assertThatThrownBy(() -> load("""
                providers:
                  - name: local
                    preset: ollama
                    models: {qwen3: {images: maybe}}
                """, Map.of()))
                .hasMessage("providers[0].models.qwen3.images in " + file() + " must be true or false, got 'maybe'");
    }

    @Test
    void clientKeysAreStringsOrMappingsWithLimits() throws IOException {
        GatewayConfig config = load("""
                auth:
                  keys:
                    - ${TEAM_KEY}
                    - name: ci
                      key: ci-key-abcdefghijklmnop
                      budget_usd_per_day: 5
                      budget_usd_per_month: 80.50
                      requests_per_minute: 60
                      tokens_per_minute: 200000
                  admin_keys: [admin-key-0123456789]
                """, Map.of("TEAM_KEY", "team-key-0123456789"));
        assertThat(config.auth().keys()).containsExactly(
                AuthSettings.ClientKey.of("team-key-0123456789"),
                new AuthSettings.ClientKey("ci", "ci-key-abcdefghijklmnop", new BigDecimal("5"),
                        new BigDecimal("80.5"), 60, 200000));
        assertThat(config.auth().adminKeys()).containsExactly("admin-key-0123456789");

        assertThatThrownBy(() -> load("auth:\n  keys:\n    - {key: k1, budget_usd_per_day: -1}\n", Map.of()))
                .hasMessage("auth.keys[0].budget_usd_per_day in " + file() + " must be an amount in US dollars of at "
                        + "least 0, such as 12.50, got '-1'");
        assertThatThrownBy(() -> load("auth:\n  keys:\n    - {name: ci, requests_per_minute: 5}\n", Map.of()))
                .hasMessage("auth.keys[0].key in " + file() + " must be set: the key clients present");
        assertThatThrownBy(() -> load("auth:\n  keys: [same-key, same-key]\n", Map.of()))
                .hasMessage("auth.keys[1] in " + file() + ": the same key is listed twice");
        assertThatThrownBy(() -> load("auth:\n  keys: ['']\n", Map.of()))
                .hasMessage("auth.keys[0].key in " + file() + " must be a key that is not empty (or ${ENV_VAR})");
    }

    @Test
    void aKeyIsNeverShownInAnError() {
        assertThatThrownBy(() -> load("providers:\n  - {name: a, preset: groq, api_keys: sk-secret-0123456789}\n",
                Map.of()))
                .hasMessage("providers[0].api_keys in " + file() + " must be a list");
        assertThatThrownBy(() -> load("auth:\n  admin_keys: [[sk-secret-0123456789]]\n", Map.of()))
                .hasMessage("auth.admin_keys[0] in " + file() + " must be a key that is not empty (or ${ENV_VAR})");
    }

    @Test
    void listeningBeyondLoopbackWithProviderKeysAndNoClientKeysIsWarnedAbout() throws IOException {
        String yaml = "providers:\n  - {name: deepseek, preset: deepseek, api_keys: [sk-deepseek-0123456789]}\n";
        load(yaml, Map.of("CCROUTER_HOST", "0.0.0.0"));
        assertThat(warnings).containsExactly("server.host is 0.0.0.0 and auth.keys is empty: anyone who reaches port "
                + "8787 spends the keys of deepseek; set auth.keys");
        warnings.clear();
        load(yaml, Map.of());
        load(yaml + "auth:\n  keys: [gw-0123456789]\n", Map.of("CCROUTER_HOST", "0.0.0.0"));
        assertThat(warnings).isEmpty();
    }

    @Test
    void anUnsetVariableIsAnErrorNamingIt() {
        assertThatThrownBy(() -> load("providers:\n  - {name: box, base_url: '${BOX_URL}/v1'}\n", Map.of()))
                .hasMessage("providers[0].base_url in " + file() + " refers to ${BOX_URL}, which is not set in the "
                        + "environment: set BOX_URL, or write the value itself");
        assertThatThrownBy(() -> load("providers:\n  - {name: box, base_url: '${BOX_URL}/v1'}\n", Map.of("BOX_URL", "")))
                .hasMessage("providers[0].base_url in " + file() + " refers to ${BOX_URL}, which is empty: set "
                        + "BOX_URL, or write the value itself");
    }

    @Test
    void aKeyOfDigitsIsAskedForInQuotesWithoutBeingEchoed() {
        assertThatThrownBy(() -> load("providers:\n  - {name: box, preset: vllm, base_url: 'http://box:8000/v1', "
                + "api_keys: [80123456789]}\n", Map.of()))
                .hasMessage("providers[0].api_keys[0] in " + file() + " must be a key in quotes: YAML reads this one "
                        + "as a number");
        assertThatThrownBy(() -> load("auth:\n  keys:\n    - {name: ci, key: 80123456789}\n", Map.of()))
                .hasMessage("auth.keys[0].key in " + file() + " must be a key in quotes: YAML reads this one as a "
                        + "number");
    }

    /** A key from a file-made secret ends in a newline; the key a client presents is read without one. */
    @Test
    void keysFromTheEnvironmentLoseTheNewlineAroundThem() throws IOException {
        GatewayConfig config = load("""
                auth:
                  keys: ["${GATEWAY_KEY}", {name: ci, key: "${CI_KEY}"}]
                  admin_keys: ["${ADMIN_KEY}"]
                providers:
                  - {name: ds, preset: deepseek, api_keys: ["${DEEPSEEK_API_KEY}"]}
                """, Map.of("GATEWAY_KEY", "gw-0123456789abcdef\n", "CI_KEY", " ci-0123456789abcdef\r\n",
                "ADMIN_KEY", "admin-0123456789abcdef\n", "DEEPSEEK_API_KEY", "sk-deepseek-0123456789\n"));
        assertThat(config.auth().keys()).extracting(AuthSettings.ClientKey::key)
                .containsExactly("gw-0123456789abcdef", "ci-0123456789abcdef");
        assertThat(config.auth().adminKeys()).containsExactly("admin-0123456789abcdef");
        assertThat(config.providers().getFirst().apiKeys()).containsExactly("sk-deepseek-0123456789");
    }

    /** Prices are found by the request's target: a key that is no target, or names no provider, would bill nothing. */
    @Test
    void aPriceForNoTargetIsRefused() throws IOException {
        assertThatThrownBy(() -> load("prices:\n  deepseek-chat: {input: 0.27, output: 1.10}\n", Map.of()))
                .hasMessage("prices.deepseek-chat in " + file() + ": the key must be provider,model such as "
                        + "deepseek,deepseek-chat, got 'deepseek-chat'");
        assertThatThrownBy(() -> load("prices:\n  deepseek,deepseek-chat: {input: 0.27, output: 1.10}\n", Map.of()))
                .hasMessage("prices.deepseek,deepseek-chat in " + file() + " names provider 'deepseek', which is not "
                        + "configured (providers: openrouter)");
        assertThat(load("prices:\n  openrouter, x/y: {input: 1}\n", Map.of()).prices()).containsOnlyKeys("openrouter,x/y");
    }

    /** A URL copied from claude-code-router's api_base_url would have every request posted to a 404. */
    @Test
    void aBaseUrlWithTheEndpointInItIsRefused() {
        assertThatThrownBy(() -> load("providers:\n  - {name: box, base_url: 'http://box:8000/v1/chat/completions'}\n",
                Map.of())).hasMessage("providers[0].base_url in " + file() + " must be the base URL the endpoint hangs "
                + "off, without /chat/completions or /messages, such as https://openrouter.ai/api/v1, got "
                + "'http://box:8000/v1/chat/completions'");
        assertThatThrownBy(() -> load("providers:\n  - {name: claude, preset: anthropic, "
                + "base_url: 'https://api.anthropic.com/v1/messages/'}\n", Map.of()))
                .hasMessageStartingWith("providers[0].base_url in " + file() + " must be the base URL the endpoint");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("OPENROUTER_BASE_URL",
                "https://openrouter.ai/api/v1/chat/completions")).load(ConfigLoader.Flags.NONE))
                .hasMessageStartingWith("OPENROUTER_BASE_URL must be the base URL the endpoint hangs off");
        assertThatThrownBy(() -> load("providers:\n  - {name: docs, base_url: 'https://x.example/v1#usage'}\n",
                Map.of())).hasMessage("providers[0].base_url in " + file() + " must be the base URL the endpoint "
                        + "hangs off, without a fragment, such as https://openrouter.ai/api/v1, got "
                        + "'https://x.example/v1#usage'");
    }

    /** Azure's deployment endpoints carry their API version as a query (it follows /chat/completions: BaseUrlsTest). */
    @Test
    void aBaseUrlWithAQueryIsTakenAndTheQueryFollowsTheEndpoint() throws IOException {
        GatewayConfig config = load("providers:\n  - {name: az, preset: azure, api_keys: ['azure-key-1'], base_url: "
                + "'https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21'}\n", Map.of());

        assertThat(config.providers().getFirst().baseUrl())
                .isEqualTo(URI.create("https://x.openai.azure.com/openai/deployments/d?api-version=2024-10-21"));
    }

    @Test
    void trueOrFalseInQuotesIsTheSameSetting() throws IOException {
        GatewayConfig config = load("""
                providers:
                  - name: ds
                    preset: deepseek
                    models:
                      deepseek-chat: {images: "false", cache_control: "True"}
                """, Map.of());
        ProviderSettings.ModelSettings model = config.providers().getFirst().models().get("deepseek-chat");
        assertThat(model.images()).isFalse();
        assertThat(model.cacheControl()).isTrue();
        assertThatThrownBy(() -> load("providers:\n  - {name: ds, preset: deepseek, models: {m: {pdfs: 'nope'}}}\n",
                Map.of())).hasMessage("providers[0].models.m.pdfs in " + file() + " must be true or false, got 'nope'");
    }

    /** A shell's default ({@code ${KEY:-…}}) is no reference here: refused, rather than sent as the key itself. */
    @Test
    void aDollarBraceThatIsNoReferenceIsRefusedWithoutEchoingTheValue() throws IOException {
        String refused = " holds a '${' that is no reference ccrouter reads: write ${NAME} (letters, digits and _; no "
                + "default such as ${NAME:-value}), or $${ for a literal ${";
        assertThatThrownBy(() -> load("providers:\n  - {name: ds, preset: deepseek, api_keys: ['${DEEPSEEK_API_KEY:-sk-x}']}\n",
                Map.of("DEEPSEEK_API_KEY", "sk-deepseek-0123456789")))
                .hasMessage("providers[0].api_keys[0] in " + file() + refused);
        assertThatThrownBy(() -> load("upstream:\n  title: 'a ${ TITLE }'\n", Map.of("TITLE", "x")))
                .hasMessage("upstream.title in " + file() + refused);
        assertThat(load("upstream:\n  title: 'costs $${PRICE:-1}'\n", Map.of()).appTitle())
                .isEqualTo("costs ${PRICE:-1}");
    }

    @Test
    void variablesResolveAnywhereAndDollarDollarIsALiteral() throws IOException {
        GatewayConfig config = load("""
                providers:
                  - {name: box, base_url: '${BOX_URL}/v1'}
                upstream:
                  title: 'costs $${PRICE}'
                """, Map.of("BOX_URL", "http://10.0.0.5:8000"));
        assertThat(config.providers().getFirst().baseUrl()).isEqualTo(URI.create("http://10.0.0.5:8000/v1"));
        assertThat(config.appTitle()).isEqualTo("costs ${PRICE}");
    }

    /** Docker Compose names services and containers with underscores; java.net.URI reads no host from them. */
    @Test
    void aBaseUrlNamingAComposeServiceWithAnUnderscoreIsTaken() throws IOException {
        GatewayConfig config = load("""
                providers:
                  - {name: box, preset: llamacpp, base_url: 'http://llama_cpp:8080/v1'}
                upstream:
                  base_url: http://or_proxy:3128/api/v1
                """, Map.of());
        assertThat(config.providers().getFirst().baseUrl()).isEqualTo(URI.create("http://llama_cpp:8080/v1"));
        assertThat(config.upstreamBaseUrl()).isEqualTo(URI.create("http://or_proxy:3128/api/v1"));
    }

    @Test
    void aPoolWithNoKeyLeftIsAnError() {
        assertThatThrownBy(() -> load(CONTRACT, Map.of("CCROUTER_KEY", "gw-key-0123456789")))
                .hasMessage("providers[0].api_keys in " + file() + ": none of its keys is set (DEEPSEEK_API_KEY, "
                        + "DEEPSEEK_API_KEY_2): set one, or remove api_keys to forward clients' keys");
        assertThatThrownBy(() -> load(CONTRACT, Map.of("DEEPSEEK_API_KEY", "sk-deepseek-first")))
                .hasMessage("auth.keys in " + file() + ": none of its keys is set (CCROUTER_KEY): set it, or remove "
                        + "keys to leave the gateway open");
    }
}
