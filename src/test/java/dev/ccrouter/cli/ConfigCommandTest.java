package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.route.Router;
import dev.ccrouter.server.GatewayServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** {@code ccrouter config check|import-ccr|settings} and {@code serve} refusing a bad configuration, in process. */
class ConfigCommandTest {
    @TempDir
    Path dir;
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(Object command, String... args) {
        return new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void checkPrintsTheEffectiveConfigurationWithEveryKeyMasked() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), """
                auth:
                  keys: ["${CCROUTER_KEY}", {name: ci, key: short-key}]
                providers:
                  - name: deepseek
                    preset: deepseek
                    api_keys: ["${DEEPSEEK_API_KEY}", "${DEEPSEEK_API_KEY_2}"]
                routes:
                  default: deepseek,deepseek-chat
                """);
        Map<String, String> env = Map.of("HOME", dir.toString(), "CCROUTER_PORT", "9000",
                "CCROUTER_KEY", "gw-0123456789-secret-wxyz", "DEEPSEEK_API_KEY", "sk-0123456789abcdef-abcd");

        assertThat(run(new ConfigCommand(env), "check", file.toString())).isZero();

        String printed = out.toString();
        assertThat(printed).contains("port: 9000", "- key: …wxyz", "- name: ci\n      key: …", "- sk-…abcd",
                "default: \"deepseek,deepseek-chat\"", "data_dir: " + dir.resolve(".ccrouter"));
        // under auth.keys, with nothing routed to it, there is no implicit openrouter forwarding clients' keys
        assertThat(printed).doesNotContain("# provider openrouter: implicit");
        assertThat(printed).doesNotContain("gw-0123456789", "sk-0123456789", "short-key");
        assertThat(err.toString()).isEqualTo("ccrouter: warning: providers[0].api_keys[1] in " + file
                + ": DEEPSEEK_API_KEY_2 is not set; that key is left out\n");
    }

    /** A password in a provider's address (a proxy's basic auth) is shown masked, as the log and /health show it. */
    @Test
    void checkMasksThePasswordsInProvidersAddresses() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), """
                providers:
                  - name: vllm
                    base_url: https://me:hunter2-vllm@llm.example/v1
                """);
        Map<String, String> env = Map.of("HOME", dir.toString(),
                "OPENROUTER_BASE_URL", "https://me:hunter2-proxy@proxy.example/api/v1");

        assertThat(run(new ConfigCommand(env), "check", file.toString())).isZero();

        assertThat(out.toString()).contains("  base_url: https://me:…@proxy.example/api/v1\n",
                "    base_url: https://me:…@llm.example/v1\n").doesNotContain("hunter2");
    }

    /** A token before the host is a key too: shown as the log and /health show the address. */
    @Test
    void checkMasksATokenInAnAddressAsTheLogDoes() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), """
                providers:
                  - name: vllm
                    base_url: https://sk-token-vllm-0123456789@llm.example/v1
                """);
        Map<String, String> env = Map.of("HOME", dir.toString(),
                "OPENROUTER_BASE_URL", "https://sk-or-v1-token-0123456789@proxy.example/api/v1");

        assertThat(run(new ConfigCommand(env), "check", file.toString())).isZero();

        assertThat(out.toString()).contains("  base_url: https://…@proxy.example/api/v1\n",
                "    base_url: https://…@llm.example/v1\n").doesNotContain("token-");
    }

    @Test
    void aRefusedAddressIsEchoedWithoutItsPassword() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), """
                providers:
                  - name: vllm
                    base_url: "https://me:hunter2-vllm@llm.example/v1 bad"
                """);
        assertThat(run(new ConfigCommand(Map.of("HOME", dir.toString())), "check", file.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ccrouter: providers[0].base_url in " + file + " must be an http(s) URL "
                + "such as https://openrouter.ai/api/v1, got 'https://me:…@llm.example/v1 bad'\n");

        assertThat(run(new ConfigCommand(Map.of("HOME", dir.toString(),
                "OPENROUTER_BASE_URL", "ftp://me:hunter2-proxy@proxy.example/")), "check")).isEqualTo(2);
        assertThat(err.toString()).endsWith("ccrouter: OPENROUTER_BASE_URL must be an http(s) URL such as "
                + "https://openrouter.ai/api/v1, got 'ftp://me:…@proxy.example/'\n");
    }

    /** A key in an address's query (Gemini's {@code ?key=}) is left out of the echo, as logs show addresses. */
    @Test
    void aRefusedAddressIsEchoedWithoutItsQuery() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), """
                providers:
                  - name: gemini
                    base_url: "https://generative language.example/v1beta/openai?key=AIzaSyA-0123456789abcdef"
                """);
        assertThat(run(new ConfigCommand(Map.of("HOME", dir.toString())), "check", file.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ccrouter: providers[0].base_url in " + file + " must be an http(s) URL "
                + "such as https://openrouter.ai/api/v1, got 'https://generative language.example/v1beta/openai'\n");
    }

    /** An environment override the file's shape would swallow is refused by {@code check} as by {@code serve}. */
    @Test
    void checkRefusesAnOverrideOfASettingTheFileWritesInAnotherShape() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), "operator: Alice\n");
        Map<String, String> env = Map.of("HOME", dir.toString(), "CCROUTER_SOURCE_URL", "https://src.example/x");

        assertThat(run(new ConfigCommand(env), "check", file.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ccrouter: CCROUTER_SOURCE_URL sets operator.source_url, but operator in "
                + file + " is a single value where a section of settings belongs: correct the file, or unset "
                + "CCROUTER_SOURCE_URL" + System.lineSeparator());
    }

    /**
     * A provider asked to speak Anthropic's protocol at a preset that has no such address, and given none: one line
     * naming the setting as the file spells it, exit 2, as for any bad setting (it was a Java stack trace, exit 1).
     */
    @Test
    void checkNamesAnAnthropicProviderWithoutAnAddressInOneLine() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), """
                providers:
                  - name: local
                    preset: ollama
                  - name: fast
                    preset: groq
                    protocol: anthropic
                routes:
                  default: fast,llama-3.3-70b
                """);

        assertThat(run(new ConfigCommand(Map.of("HOME", dir.toString())), "check", file.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ccrouter: providers[1].base_url in " + file + " must be set: the groq "
                + "preset has no default address for protocol: anthropic" + System.lineSeparator());
    }

    /** What {@code serve} would refuse (a provider without keys under auth.keys) {@code check} refuses too. */
    @Test
    void checkRefusesWhatServeRefuses() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), """
                auth:
                  keys: ["${CCROUTER_KEY}"]
                providers:
                  - name: deepseek
                    preset: deepseek
                routes:
                  default: deepseek,deepseek-chat
                """);
        Map<String, String> env = Map.of("HOME", dir.toString(), "CCROUTER_KEY", "gw-0123456789-secret-wxyz");

        assertThat(run(new ConfigCommand(env), "check", file.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ccrouter: providers[0].api_keys in " + file + " must be set for provider "
                + "deepseek: with auth.keys the gateway uses each provider's own keys and never forwards a client's "
                + "key" + System.lineSeparator());
    }

    @Test
    void checkOfABadFileSaysWhyAndExitsTwo() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), "upstream:\n  base_ur: http://127.0.0.1:9/v1\n");
        assertThat(run(new ConfigCommand(Map.of()), "check", file.toString())).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ccrouter: upstream.base_ur in " + file + ": unknown setting (known: "
                + "base_url, connect_timeout_seconds, http_referer, read_timeout_seconds, title)\n");
        assertThat(out.toString()).isEmpty();
    }

    /** import-ccr reads no CCROUTER_CONFIG or --config: a missing file is said as what import-ccr looked for. */
    @Test
    void importCcrWithoutAClaudeCodeRouterFileSaysWhereItLookedAndHowToNameOne() {
        assertThat(run(new ConfigCommand(Map.of("HOME", dir.toString())), "import-ccr")).isEqualTo(2);
        assertThat(run(new ConfigCommand(Map.of("HOME", dir.toString())), "import-ccr", "ccr.json")).isEqualTo(2);

        assertThat(err.toString()).isEqualTo("ccrouter: no claude-code-router config.json at "
                + dir.resolve(".claude-code-router/config.json")
                + " (name one: ccrouter config import-ccr path/to/config.json)\n"
                + "ccrouter: no claude-code-router config.json at ccr.json\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void importCcrReadsTheDefaultLocation() throws IOException {
        Path ccr = Files.createDirectories(dir.resolve(".claude-code-router"));
        Files.writeString(ccr.resolve("config.json"), """
                {"APIKEY": "$GATEWAY_KEY", "PORT": 3456,
                 "Providers": [{"name": "deepseek", "api_base_url": "https://api.deepseek.com/chat/completions",
                                "api_key": "$DEEPSEEK_API_KEY", "models": ["deepseek-chat"],
                                "transformer": {"use": ["deepseek"]}}],
                 "Router": {"default": "deepseek,deepseek-chat"}}
                """);
        assertThat(run(new ConfigCommand(Map.of("HOME", dir.toString())), "import-ccr")).isZero();
        assertThat(out.toString()).isEqualTo("""
                server:
                  port: 3456
                auth:
                  keys:
                    - "${GATEWAY_KEY}"
                providers:
                  - name: deepseek
                    preset: deepseek
                    base_url: https://api.deepseek.com
                    api_keys:
                      - "${DEEPSEEK_API_KEY}"
                    models:
                      deepseek-chat: {}
                routes:
                  default: "deepseek,deepseek-chat"
                """);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void settingsListsEveryEnvironmentVariable() {
        assertThat(run(new ConfigCommand(Map.of()), "settings")).isZero();
        assertThat(out.toString()).contains("server.port  (CCROUTER_PORT, --port)\n    listen port; 0 picks a free one\n"
                + "    valid: a whole number from 0 to 65535; default: 8787\n");
    }

    /**
     * The token serve tells Claude Code to send: behind gateway keys one of them (an OpenRouter key would get 401);
     * otherwise the key of the providers the routes forward it to, or any value when every route's provider has its
     * own keys or takes none.
     */
    @Test
    void serveTellsWhichKeyClaudeCodeSends() throws IOException {
        assertThat(tokenToSend("")).isEqualTo("<your OpenRouter key>");
        assertThat(tokenToSend("""
                auth: {keys: [gw-0123456789abcdef]}
                providers: [{name: openrouter, preset: openrouter, api_keys: [sk-or-0123456789]}]
                """)).isEqualTo("<a key of auth.keys>");
        assertThat(tokenToSend("""
                providers:
                  - {name: deepseek, preset: deepseek, api_keys: [sk-ds-0123456789]}
                  - {name: local, preset: ollama}
                routes: {default: "deepseek,deepseek-chat", background: "local,qwen3"}
                """)).isEqualTo("no-key-needed");
        assertThat(tokenToSend("""
                providers:
                  - {name: deepseek, preset: deepseek}
                routes: {default: "deepseek,deepseek-chat"}
                """)).isEqualTo("<your key for deepseek>");
    }

    /** What serve's last line says to export as ANTHROPIC_AUTH_TOKEN, for the configuration in that YAML. */
    private String tokenToSend(String yaml) throws IOException {
        Path file = Files.writeString(dir.resolve("token.yaml"), yaml);
        GatewayConfig config = new ConfigLoader(Map.of("HOME", dir.toString()))
                .load(new ConfigLoader.Flags(null, null, null, file, null));
        String line = ServeCommand.howToPointClaudeCode(config, new Router(config).clientKeyTakers());
        assertThat(line).startsWith("ccrouter: point Claude Code at it with  "
                + "ANTHROPIC_BASE_URL=http://127.0.0.1:8787 ANTHROPIC_AUTH_TOKEN=")
                .endsWith(" ANTHROPIC_API_KEY= claude  (or run: ccrouter code)")
                .doesNotContain("0123456789");
        return line.replaceAll(".* ANTHROPIC_AUTH_TOKEN=(.*) ANTHROPIC_API_KEY= .*", "$1");
    }

    /** The start's line names the configuration file read, and says nothing new without one. */
    @Test
    void serveSaysWhichConfigurationFileItStartedWith() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), "server:\n  port: 0\n");
        String[] start = {"--port", "0", "--data-dir", dir.toString(), "--upstream", "http://127.0.0.1:9/v1",
                "--exit-when-ready"};
        String listening = "ccrouter listening on http://127\\.0\\.0\\.1:\\d+ → upstream http://127\\.0\\.0\\.1:9/v1";
        Map<String, String> env = Map.of("HOME", dir.toString(), "CCROUTER_CONFIG", file.toString());

        assertThat(startLines(new ServeCommand(env), start)).filteredOn(line -> line.contains(" listening on "))
                .singleElement().asString()
                .matches(listening + " \\(config file " + Pattern.quote(file.toString()) + "\\)");
        assertThat(startLines(new ServeCommand(Map.of("HOME", dir.toString())), start))
                .filteredOn(line -> line.contains(" listening on ")).singleElement().asString().matches(listening);
    }

    /**
     * With a default route, the start's line says where requests go: that route and its provider's address (the
     * preset's, here), not the family mapping's upstream, which such a configuration may never use.
     */
    @Test
    void serveSaysWhereItsDefaultRouteGoes() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), """
                providers:
                  - {name: deepseek, preset: deepseek, api_keys: [sk-ds-0123456789]}
                routes: {default: "deepseek,deepseek-chat"}
                """);
        Map<String, String> env = Map.of("HOME", dir.toString(), "CCROUTER_CONFIG", file.toString());

        List<String> lines = startLines(new ServeCommand(env), "--port", "0", "--data-dir", dir.toString(),
                "--exit-when-ready");
        assertThat(lines).filteredOn(line -> line.contains(" listening on ")).singleElement().asString()
                .matches("ccrouter listening on http://127\\.0\\.0\\.1:\\d+ → default route deepseek,deepseek-chat "
                        + "at https://api\\.deepseek\\.com \\(config file " + Pattern.quote(file.toString()) + "\\)");
    }

    /** What the gateway logs while the command runs (at INFO, whatever the tests' level). */
    private List<String> startLines(ServeCommand serve, String... args) {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger log = (Logger) LoggerFactory.getLogger(GatewayServer.class);
        Level level = log.getLevel();
        lines.start();
        log.addAppender(lines);
        log.setLevel(Level.INFO);
        try {
            assertThat(run(serve, args)).as(err::toString).isZero();
        } finally {
            log.detachAppender(lines);
            log.setLevel(level);
        }
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void serveRefusesABadConfigurationInOneLineWithExitCodeTwo() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), "routes:\n  background: local,qwen3-coder\n");
        Map<String, String> env = new HashMap<>(Map.of("HOME", dir.toString()));
        assertThat(run(new ServeCommand(env), "--config", file.toString(), "--port", "0")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ccrouter: routes.background in " + file + " names provider 'local', "
                + "which is not configured (providers: openrouter)\n");

        err.getBuffer().setLength(0);
        env.put("CCROUTER_PORT", "http");
        assertThat(run(new ServeCommand(env))).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ccrouter: CCROUTER_PORT must be a whole number from 0 to 65535, "
                + "got 'http'\n");
    }
}
