package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private GatewayConfig load(Map<String, String> env) {
        return new ConfigLoader(env).load(ConfigLoader.Flags.NONE);
    }

    private Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name), yaml);
    }

    private GatewayConfig loadFile(Path file, Map<String, String> env) {
        Map<String, String> withFile = new HashMap<>(env);
        withFile.put("CCROUTER_CONFIG", file.toString());
        return load(withFile);
    }

    @Test
    void embeddedDefaultsAreTheRunContract() {
        GatewayConfig config = load(Map.of("HOME", dir.toString()));
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8787);
        assertThat(config.upstreamBaseUrl()).isEqualTo(URI.create("https://openrouter.ai/api/v1"));
        assertThat(config.dataDir()).isEqualTo(dir.resolve(".ccrouter"));
        assertThat(config.maxBodyBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(config.pingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(config.pricingRefresh()).isEqualTo(Duration.ofMinutes(60));
        assertThat(config.httpReferer()).isEqualTo("https://github.com/ccrouter/ccrouter");
        assertThat(config.appTitle()).isEqualTo("ccrouter");
        assertThat(config.publicUrl()).isNull();
        assertThat(config.models()).isEqualTo(new GatewayConfig.ModelMapping(
                "anthropic/claude-haiku-4.5", "anthropic/claude-sonnet-4.6", "anthropic/claude-opus-4.6"));
        assertThat(config.providers()).isEmpty();
        assertThat(config.routes()).isEqualTo(RouteSettings.NONE);
        assertThat(config.auth()).isEqualTo(AuthSettings.OPEN);
        assertThat(config.allProviders()).containsExactly(new ProviderSettings("openrouter", "openrouter",
                URI.create("https://openrouter.ai/api/v1"), List.of(), null, Map.of()));
    }

    @Test
    void withoutHomeInTheEnvironmentTheAccountsHomeHoldsTheDataDir() {
        assertThat(load(Map.of()).dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".ccrouter"));
    }

    @Test
    void tildeInPathsIsHomeFromTheEnvironment() throws IOException {
        Path file = write("c.yaml", "data_dir: ~/state/ccrouter\n");
        assertThat(loadFile(file, Map.of("HOME", "/home/alice")).dataDir()).isEqualTo(Path.of("/home/alice/state/ccrouter"));
        GatewayConfig viaFlag = new ConfigLoader(Map.of("HOME", dir.toString()))
                .load(new ConfigLoader.Flags(null, null, null, Path.of("~/c.yaml"), null));
        assertThat(viaFlag.dataDir()).isEqualTo(dir.resolve("state/ccrouter"));
    }

    @Test
    void fileThenEnvironmentThenFlagsOverride() throws IOException {
        Path file = write("ccrouter.yaml", """
                server:
                  port: 9000
                  host: 0.0.0.0
                models:
                  haiku: deepseek/deepseek-chat
                max_output_tokens:
                  deepseek/deepseek-chat: 4096
                pricing:
                  refresh_minutes: 0
                """);
        Map<String, String> env = Map.of("CCROUTER_CONFIG", file.toString(), "CCROUTER_PORT", "9100",
                "OPENROUTER_BASE_URL", "http://127.0.0.1:8000/v1/", "CCROUTER_MODEL_OPUS", "moonshotai/kimi-k2",
                "CCROUTER_DATA_DIR", dir.toString());
        GatewayConfig config = new ConfigLoader(env).load(new ConfigLoader.Flags(9200, null, null, null, null));

        assertThat(config.port()).isEqualTo(9200);
        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.upstreamBaseUrl()).isEqualTo(URI.create("http://127.0.0.1:8000/v1"));
        assertThat(config.models()).isEqualTo(new GatewayConfig.ModelMapping(
                "deepseek/deepseek-chat", "anthropic/claude-sonnet-4.6", "moonshotai/kimi-k2"));
        assertThat(config.maxOutputTokens()).containsEntry("deepseek/deepseek-chat", 4096)
                .containsEntry("moonshotai/kimi-k2", 16384);
        assertThat(config.dataDir()).isEqualTo(dir);
        assertThat(config.pricingRefresh()).isZero();
    }

    @Test
    void aBadValueIsNamedByWhereItCameFrom() throws IOException {
        assertThatThrownBy(() -> load(Map.of("CCROUTER_PORT", "eighty")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("CCROUTER_PORT must be a whole number from 0 to 65535, got 'eighty'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(70000, null, null, null, null)))
                .hasMessage("--port must be a whole number from 0 to 65535, got '70000'");
        Path file = write("port.yaml", "server:\n  port: -1\n");
        assertThatThrownBy(() -> loadFile(file, Map.of()))
                .hasMessage("server.port in " + file + " must be a whole number from 0 to 65535, got '-1'");
        assertThatThrownBy(() -> load(Map.of("OPENROUTER_BASE_URL", "openrouter.ai")))
                .hasMessage("OPENROUTER_BASE_URL must be an http(s) URL such as https://openrouter.ai/api/v1, "
                        + "got 'openrouter.ai'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(null, null, "ftp://x", null, null)))
                .hasMessage("--upstream must be an http(s) URL such as https://openrouter.ai/api/v1, got 'ftp://x'");
        Path types = write("types.yaml", "stream:\n  ping_interval_seconds: soon\n");
        assertThatThrownBy(() -> loadFile(types, Map.of()))
                .hasMessage("stream.ping_interval_seconds in " + types + " must be a whole number from 1 to 3600, "
                        + "got 'soon'");
        Path huge = write("huge.yaml", "server:\n  port: 99999999999\n");
        assertThatThrownBy(() -> loadFile(huge, Map.of()))
                .hasMessage("server.port in " + huge + " must be a whole number from 0 to 65535, got '99999999999'");
        Path list = write("list.yaml", "providers:\n  name: deepseek\n");
        assertThatThrownBy(() -> loadFile(list, Map.of()))
                .hasMessage("providers in " + list + " must be a list, got 'a mapping'");
    }

    /**
     * An override for a setting the file writes in another shape would silently drop what the file says there (or,
     * for a section missing its other settings, fail with a NullPointerException): it is refused, naming both.
     */
    @Test
    void anOverrideOfASettingTheFileWritesInAnotherShapeIsRefused() throws IOException {
        Path models = write("models.yaml", "models: x-ai/grok-4\n");
        assertThatThrownBy(() -> loadFile(models, Map.of("CCROUTER_MODEL_HAIKU", "a/b")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("CCROUTER_MODEL_HAIKU sets models.haiku, but models in " + models + " is a single value "
                        + "where a section of settings belongs: correct the file, or unset CCROUTER_MODEL_HAIKU");
        Path server = write("server.yaml", "server: 8080\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(9000, null, null, server, null)))
                .hasMessage("--port sets server.port, but server in " + server + " is a single value where a section "
                        + "of settings belongs: correct the file, or leave out --port");
        Path ledger = write("ledger.yaml", "ledger: jdbc:postgresql://db/x?password=file-secret\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("CCROUTER_CONFIG", ledger.toString(),
                "CCROUTER_LEDGER_URL", "jdbc:postgresql://db/y")).loadLedger(ConfigLoader.Flags.NONE))
                .hasMessage("CCROUTER_LEDGER_URL sets ledger.url, but ledger in " + ledger + " is a single value where "
                        + "a section of settings belongs: correct the file, or unset CCROUTER_LEDGER_URL");
        Path dataDir = write("data.yaml", "data_dir:\n  path: /srv/ccrouter\n");
        assertThatThrownBy(() -> loadFile(dataDir, Map.of("CCROUTER_DATA_DIR", "/tmp/x")))
                .hasMessage("CCROUTER_DATA_DIR sets data_dir, but data_dir in " + dataDir + " is a section where a "
                        + "single value belongs: correct the file, or unset CCROUTER_DATA_DIR");
        Path proxies = write("proxies.yaml", "server:\n  trusted_proxies: {office: 10.0.0.2}\n");
        assertThatThrownBy(() -> loadFile(proxies, Map.of("CCROUTER_TRUSTED_PROXIES", "10.0.0.1")))
                .hasMessage("CCROUTER_TRUSTED_PROXIES sets server.trusted_proxies, but server.trusted_proxies in "
                        + proxies + " is a section where a list belongs: correct the file, or unset "
                        + "CCROUTER_TRUSTED_PROXIES");
        // The same shapes as the file's are overridden as before, and a null in the file is no value at all.
        Path fine = write("fine.yaml", "models:\n  haiku: x/y\nserver:\n  trusted_proxies: [10.0.0.2]\n"
                + "operator: null\n");
        GatewayConfig overridden = loadFile(fine, Map.of("CCROUTER_MODEL_HAIKU", "a/b",
                "CCROUTER_TRUSTED_PROXIES", "10.0.0.1", "CCROUTER_OPERATOR_NAME", "Ops"));
        assertThat(overridden.models().haiku()).isEqualTo("a/b");
        assertThat(overridden.edge().trustedProxies()).containsExactly("10.0.0.1");
        assertThat(overridden.operator().name()).isEqualTo("Ops");
    }

    /** A gateway key written where the list (or a key's mapping) belongs is still a key: never echoed. */
    @Test
    void aGatewayKeyInTheWrongShapeIsNotEchoed() throws IOException {
        Path bare = write("bare.yaml", "auth:\n  keys: sk-gateway-secret-0123456789\n");
        assertThatThrownBy(() -> loadFile(bare, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.keys in " + bare + " must be a list of keys")
                .hasMessageNotContaining("sk-gateway-secret-0123456789");
        Path fromEnv = write("env.yaml", "auth:\n  keys: \"${CCROUTER_KEY}\"\n");
        assertThatThrownBy(() -> loadFile(fromEnv, Map.of("CCROUTER_KEY", "sk-from-the-environment-42")))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("sk-from-the-environment-42");
        Path number = write("number.yaml", "auth:\n  keys: [123456789012345678]\n");
        assertThatThrownBy(() -> loadFile(number, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("auth.keys[0] in " + number + " must be")
                .hasMessageNotContaining("123456789012345678");
    }

    /** {@code config check} prints the configuration "with every key masked": the ledger's password too. */
    @Test
    void theEffectiveConfigurationHidesTheLedgersPassword() throws IOException {
        Path file = write("ledger.yaml", "ledger:\n  url: jdbc:postgresql://db.internal/ccrouter?user=ccr&password=hunter2-secret\n");
        Map<String, String> env = new HashMap<>(Map.of("CCROUTER_CONFIG", file.toString(), "HOME", dir.toString()));
        assertThat(new ConfigLoader(env).effectiveYaml(ConfigLoader.Flags.NONE))
                .doesNotContain("hunter2-secret")
                .contains("jdbc:postgresql://db.internal/ccrouter");
        env.put("CCROUTER_LEDGER_URL", "jdbc:postgresql://db/x?password=from-env-secret&user=ccr");
        assertThat(new ConfigLoader(env).effectiveYaml(ConfigLoader.Flags.NONE)).doesNotContain("from-env-secret");
        env.put("CCROUTER_LEDGER_URL", "jdbc:postgresql://ccr:userinfo-secret@db/x");
        assertThat(new ConfigLoader(env).effectiveYaml(ConfigLoader.Flags.NONE)).doesNotContain("userinfo-secret");
        env.put("CCROUTER_LEDGER_URL", "jdbc:postgresql://db/x?sslmode=verify-full&sslkey=/k.pk8&sslpassword=key-secret");
        assertThat(new ConfigLoader(env).effectiveYaml(ConfigLoader.Flags.NONE)).doesNotContain("key-secret")
                .contains("jdbc:postgresql://db/x?sslmode=verify-full&sslkey=/k.pk8&sslpassword=…");
    }

    /** YAML's flow style is YAML: a file that begins with '{' but is not JSON is read as YAML. */
    @Test
    void aYamlFileInFlowStyleIsReadAsYaml() throws IOException {
        Path file = write("flow.yaml", "{server: {port: 9000}, models: {opus: x/opus}}\n");
        GatewayConfig config = loadFile(file, Map.of());
        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.models().opus()).isEqualTo("x/opus");
        Path broken = write("broken.json", "{\"Providers\": [,]}\n");
        assertThatThrownBy(() -> loadFile(broken, Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void unknownSettingsAreRejectedAtEveryDepthWithTheKnownOnes() throws IOException {
        Path top = write("top.yaml", "modles:\n  haiku: x\n");
        assertThatThrownBy(() -> loadFile(top, Map.of()))
                .hasMessage("modles in " + top + ": unknown setting (known: auth, data_dir, ledger, max_output_tokens, "
                        + "models, operator, prices, pricing, providers, routes, server, stream, upstream)");
        Path nested = write("nested.yaml", "upstream:\n  base_ur: http://127.0.0.1:9/v1\n");
        assertThatThrownBy(() -> loadFile(nested, Map.of()))
                .hasMessage("upstream.base_ur in " + nested + ": unknown setting (known: base_url, "
                        + "connect_timeout_seconds, http_referer, read_timeout_seconds, title)");
        Path provider = write("provider.yaml", """
                providers:
                  - name: deepseek
                    preset: deepseek
                    api_key: sk-one
                """);
        assertThatThrownBy(() -> loadFile(provider, Map.of()))
                .hasMessage("providers[0].api_key in " + provider + ": unknown setting (known: api_keys, auth, "
                        + "base_url, models, name, preset, protocol)");
        Path model = write("model.yaml", """
                providers:
                  - name: local
                    preset: ollama
                    models:
                      qwen3-coder: {max_tokens: 8192}
                """);
        assertThatThrownBy(() -> loadFile(model, Map.of()))
                .hasMessage("providers[0].models.qwen3-coder.max_tokens in " + model + ": unknown setting (known: "
                        + "cache_control, context_window, images, max_output_tokens, pdfs, schema_keywords_to_strip, "
                        + "think_opened_in_prompt)");
        Path route = write("route.yaml", "routes:\n  long_context_treshold: 1000\n");
        assertThatThrownBy(() -> loadFile(route, Map.of()))
                .hasMessage("routes.long_context_treshold in " + route + ": unknown setting (known: background, "
                        + "cooldown_seconds, default, fallbacks, image, long_context, long_context_threshold, think, web_search)");
        Path key = write("key.yaml", "auth:\n  keys:\n    - {key: abc, budget_per_day: 5}\n");
        assertThatThrownBy(() -> loadFile(key, Map.of()))
                .hasMessage("auth.keys[0].budget_per_day in " + key + ": unknown setting (known: budget_usd_per_day, "
                        + "budget_usd_per_month, key, name, requests_per_minute, tokens_per_minute)");
    }

    @Test
    void badFilesAreReportedWithLineAndColumn() throws IOException {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(null, null, null, missing, null)))
                .hasMessage("config file " + missing + " does not exist (CCROUTER_CONFIG / --config)");
        Path broken = write("broken.yaml", "server:\n  port: 9000\n  host: [unclosed\n");
        assertThatThrownBy(() -> loadFile(broken, Map.of()))
                .hasMessage("config file " + broken + " line 4, column 1: not valid YAML: expected ',' or ']', "
                        + "but got <stream end> (while parsing a flow sequence that begins at line 3, column 9)");
        Path twice = write("twice.yaml", "server:\n  port: 9000\n  port: 9001\n");
        assertThatThrownBy(() -> loadFile(twice, Map.of()))
                .hasMessage("config file " + twice + " line 3, column 7: not valid YAML: Duplicate field 'port'");
        Path scalar = write("scalar.yaml", "just text\n");
        assertThatThrownBy(() -> loadFile(scalar, Map.of()))
                .hasMessage("config file " + scalar + " must hold a mapping of settings at its top level, such as "
                        + "server: or providers:");
    }

    @Test
    void anEmptySectionKeepsItsDefaults() throws IOException {
        Path file = write("empty.yaml", "server:\nupstream:\n  title:\n");
        GatewayConfig config = loadFile(file, Map.of());
        assertThat(config.port()).isEqualTo(8787);
        assertThat(config.appTitle()).isEqualTo("ccrouter");
    }

    @Test
    void publicUrlIsOptionalAndLosesItsTrailingSlash() throws IOException {
        assertThat(load(Map.of()).publicUrl()).isNull();
        assertThat(load(Map.of("CCROUTER_PUBLIC_URL", "https://cc.example.com/")).publicUrl())
                .isEqualTo("https://cc.example.com");
        Path file = write("public.yaml", "server:\n  public_url: http://[::1]:8787/team-a/ccrouter\n");
        assertThat(loadFile(file, Map.of()).publicUrl()).isEqualTo("http://[::1]:8787/team-a/ccrouter");
    }

    @Test
    void publicUrlMayHoldNothingAShellOrHtmlWouldInterpret() {
        for (String bad : new String[] {"cc.example.com", "ftp://cc.example.com", "https://cc.example.com/?a=1",
                "https://user@cc.example.com", "https://cc.example.com/$(id)", "https://cc.example.com\"><b>",
                "https://cc.example.com/a b", "http://[1.2]", "http://[::::::]:8787"}) {
            assertThatThrownBy(() -> load(Map.of("CCROUTER_PUBLIC_URL", bad)))
                    .as(bad)
                    .hasMessage("CCROUTER_PUBLIC_URL must be empty or an http(s) URL made of letters, digits and "
                            + ". - _ ~ / only, such as https://ccrouter.example.com, got '" + bad + "'");
        }
    }

    /** What /health and the log show of the upstream: no password, no token before the host, no query. */
    /** Windows PowerShell's {@code >} writes UTF-16; another encoding, or a directory, is named as what it is. */
    @Test
    void aFileInUtf16IsReadAndOneInAnotherEncodingOrADirectoryIsNamed() throws IOException {
        Path utf16 = dir.resolve("utf16.yaml");
        Files.write(utf16, "server:\n  port: 9000\n".getBytes(java.nio.charset.StandardCharsets.UTF_16));
        assertThat(loadFile(utf16, Map.of()).port()).isEqualTo(9000);

        Path latin1 = dir.resolve("latin1.yaml");
        Files.write(latin1, "upstream:\n  title: café\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> loadFile(latin1, Map.of()))
                .hasMessage("config file " + latin1 + " is not UTF-8 text: save it as UTF-8");

        assertThatThrownBy(() -> loadFile(dir, Map.of()))
                .hasMessage("config file " + dir + " is a directory: name the file in it (CCROUTER_CONFIG / --config)");
    }

    /** A device or a pipe is no file of settings (a pipe's read would wait for a writer for good), nor a missing one. */
    @Test
    void aFileThatIsNoRegularFileIsNamedSo() {
        Path device = Path.of("/dev/null");
        assertThatThrownBy(() -> loadFile(device, Map.of())).hasMessage("config file /dev/null is not a regular file: "
                + "name a YAML or JSON file (CCROUTER_CONFIG / --config)");
    }

    /**
     * A flag given empty is a mistake, not a flag left out: the variable it is meant to beat would decide after all
     * ({@code --upstream ""} over OPENROUTER_BASE_URL), and {@code --config ""} named the working directory.
     */
    @Test
    void aFlagGivenEmptyIsRefusedRatherThanLeftToItsVariable() {
        Map<String, String> env = Map.of("OPENROUTER_BASE_URL", "http://127.0.0.1:9/fromenv", "CCROUTER_HOST", "::1");
        assertThatThrownBy(() -> new ConfigLoader(env).load(new ConfigLoader.Flags(null, null, "", null, null)))
                .hasMessage("--upstream is empty: give it a value, or leave it out for OPENROUTER_BASE_URL or the default");
        assertThatThrownBy(() -> new ConfigLoader(env).load(new ConfigLoader.Flags(null, " ", null, null, null)))
                .hasMessage("--host is empty: give it a value, or leave it out for CCROUTER_HOST or the default");
        assertThatThrownBy(() -> new ConfigLoader(env).load(new ConfigLoader.Flags(null, null, null, Path.of(""), null)))
                .hasMessage("--config is empty: give it a value, or leave it out for CCROUTER_CONFIG or the default");
    }

    /** A body is read into one array: a limit beyond the largest one made a 3 GB Content-Length a negative size. */
    @Test
    void theBodyLimitIsOneAnArrayCanHold() throws IOException {
        Path file = write("ccrouter.yaml", "server:\n  max_body_bytes: 2147483640\n");
        assertThatThrownBy(() -> loadFile(file, Map.of()))
                .hasMessage("server.max_body_bytes in " + file + " must be a whole number from 1024 to 2147483639, "
                        + "got '2147483640'");
        assertThat(loadFile(write("ccrouter.yaml", "server:\n  max_body_bytes: 2147483639\n"), Map.of())
                .maxBodyBytes()).isEqualTo(2147483639L);
    }

    /** A port or a scheme written into the host passed the check and failed the start: refused with the others. */
    @Test
    void aHostWithAPortOrASchemeInItIsRefused() {
        assertThatThrownBy(() -> load(Map.of("CCROUTER_HOST", "0.0.0.0:8787")))
                .hasMessage("CCROUTER_HOST must be a host name or IP address such as 127.0.0.1, 0.0.0.0 or ::1 (no "
                        + "scheme, no port), got '0.0.0.0:8787'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(null, "http://0.0.0.0", null,
                null, null))).hasMessageStartingWith("--host must be a host name or IP address");
        for (String host : List.of("127.0.0.1", "0.0.0.0", "localhost", "gateway.internal", "::", "::1", "[::1]",
                "fe80::1%eth0", "host.docker.internal")) {
            assertThat(load(Map.of("CCROUTER_HOST", host)).host()).isEqualTo(host);
        }
    }

    /** The address `serve` logs and names in its errors is one a browser or curl takes, IPv6 included. */
    @Test
    void theListenAddressBracketsAnIpv6HostHoweverItWasWritten() {
        assertThat(load(Map.of("CCROUTER_HOST", "::1")).listenAddress(8787)).isEqualTo("[::1]:8787");
        assertThat(load(Map.of("CCROUTER_HOST", "[::1]")).listenAddress(8787)).isEqualTo("[::1]:8787");
        assertThat(load(Map.of("CCROUTER_HOST", "::")).listenAddress(40123)).isEqualTo("[::]:40123");
        assertThat(load(Map.of()).listenAddress(8787)).isEqualTo("127.0.0.1:8787");
        assertThat(load(Map.of("CCROUTER_HOST", "localhost")).listenAddress(1)).isEqualTo("localhost:1");
    }

    @Test
    void theUpstreamIsShownWithoutWhatMayBeAKey() {
        // a configured base URL has no query (it is refused: the endpoint's path would land in it); shown without one
        assertThat(new ConfigLoader(Map.of("HOME", "/tmp")).load(ConfigLoader.Flags.NONE)
                .withUpstream(URI.create("https://sk-or-v1-token@proxy.example/v1?key=abc")).upstreamDisplay())
                .isEqualTo("https://…@proxy.example/v1");
        assertThat(new ConfigLoader(Map.of("HOME", "/tmp", "OPENROUTER_BASE_URL",
                "https://me:hunter2@proxy.example/v1")).load(ConfigLoader.Flags.NONE).upstreamDisplay())
                .isEqualTo("https://me:…@proxy.example/v1");
    }

    /**
     * A key pasted where another value or a setting's name belongs is shown as keys are shown everywhere, in the
     * error that refuses it: at start, in {@code config check} and in a reload's warning, which all print it.
     */
    @Test
    void aKeyInAnotherSettingOrForASettingsNameIsShownMasked() throws IOException {
        String key = "sk-or-v1-RELOADLEAK0123456789abcdef";
        Path budget = write("budget.yaml", "auth:\n  keys:\n    - {key: abc, budget_usd_per_day: " + key + "}\n");
        assertThatThrownBy(() -> loadFile(budget, Map.of()))
                .hasMessage("auth.keys[0].budget_usd_per_day in " + budget + " must be an amount in US dollars of at "
                        + "least 0, such as 12.50, got 'sk-…cdef'");
        Path auth = write("auth.yaml", "providers:\n  - {name: p, base_url: 'http://h:1/v1', auth: " + key + "}\n");
        assertThatThrownBy(() -> loadFile(auth, Map.of()))
                .hasMessage("providers[0].auth in " + auth + " must be one of bearer, x-api-key, api-key, none, "
                        + "got 'sk-…cdef'");
        Path preset = write("preset.yaml", "providers:\n  - {name: p, preset: " + key + "}\n");
        assertThatThrownBy(() -> loadFile(preset, Map.of()))
                .hasMessageStartingWith("providers[0].preset in " + preset + " must be one of openrouter, ")
                .hasMessageEndingWith(", got 'sk-…cdef'");
        Path route = write("route.yaml", "routes:\n  default: " + key + "\n");
        assertThatThrownBy(() -> loadFile(route, Map.of()))
                .hasMessage("routes.default in " + route + " must be provider,model such as deepseek,deepseek-chat, "
                        + "got 'sk-…cdef'");
        Path name = write("name.yaml", key + ": x\n");
        assertThatThrownBy(() -> loadFile(name, Map.of()))
                .hasMessageStartingWith("sk-…cdef in " + name + ": unknown setting (known: auth, ");
        Path nested = write("nested.yaml", "providers:\n  - name: p\n    preset: groq\n    " + key + ": x\n");
        assertThatThrownBy(() -> loadFile(nested, Map.of()))
                .hasMessageStartingWith("providers[0].sk-…cdef in " + nested + ": unknown setting (known: ");
    }

    /** An address with a password but no {@code //} before it (the scheme left out, or written without slashes). */
    @ParameterizedTest
    @CsvSource({
            "user:FLAGLEAKPW7@proxy.example/v1, user:…@proxy.example/v1",
            "https:user:FLAGLEAKPW9@proxy.example/v1, https:user:…@proxy.example/v1",
            "https:FLAGLEAKTOKEN@proxy.example/v1, https:…@proxy.example/v1",
    })
    void anAddressWithAPasswordButNoSlashesIsShownMasked(String address, String shown) {
        assertThatThrownBy(() -> load(Map.of("OPENROUTER_BASE_URL", address)))
                .hasMessage("OPENROUTER_BASE_URL must be an http(s) URL such as https://openrouter.ai/api/v1, "
                        + "got '" + shown + "'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(null, null,
                address, null, null)))
                .hasMessage("--upstream must be an http(s) URL such as https://openrouter.ai/api/v1, "
                        + "got '" + shown + "'");
    }

    /**
     * A password written into the URL as it is, with a character an address cannot hold there unencoded ('/', '?',
     * '#', as base64 passwords have), makes the URL invalid; the error that says so shows none of the password.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PLANTED/pw8", "PLANTED?pw9", "PLANTED#pw7", "PLANTED/a+b=?c#d"})
    void anInvalidUrlIsShownWithoutThePasswordInIt(String password) {
        assertThatThrownBy(() -> load(Map.of("OPENROUTER_BASE_URL", "https://me:" + password + "@proxy.example/v1")))
                .hasMessage("OPENROUTER_BASE_URL must be an http(s) URL such as https://openrouter.ai/api/v1, "
                        + "got 'https://…@proxy.example/v1'");
    }
}
