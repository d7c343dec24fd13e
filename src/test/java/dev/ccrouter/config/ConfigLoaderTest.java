package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void embeddedDefaultsAreTheRunContract() {
        GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE);
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(8787);
        assertThat(config.upstreamBaseUrl()).isEqualTo(URI.create("https://openrouter.ai/api/v1"));
        assertThat(config.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".ccrouter"));
        assertThat(config.maxBodyBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(config.pingInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.pricingRefresh()).isEqualTo(Duration.ofMinutes(60));
        assertThat(config.models()).isEqualTo(new GatewayConfig.ModelMapping(
                "anthropic/claude-haiku-4.5", "anthropic/claude-sonnet-4.6", "anthropic/claude-opus-4.6"));
    }

    @Test
    void fileThenEnvironmentThenFlagsOverride() throws IOException {
        Path file = dir.resolve("ccrouter.yaml");
        Files.writeString(file, """
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
    void flagsNameTheirSettingsInErrors() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of("CCROUTER_PORT", "eighty")).load(ConfigLoader.Flags.NONE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("server.port (CCROUTER_PORT) must be a whole number, got 'eighty'");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(70000, null, null, null, null)))
                .hasMessage("server.port (CCROUTER_PORT) must be between 0 and 65535, got 70000");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("OPENROUTER_BASE_URL", "openrouter.ai")).load(ConfigLoader.Flags.NONE))
                .hasMessage("upstream base URL (OPENROUTER_BASE_URL / --upstream) must be an http(s) URL such as "
                        + "https://openrouter.ai/api/v1, got 'openrouter.ai'");
    }

    @Test
    void badFilesAreReportedClearly() throws IOException {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(null, null, null, missing, null)))
                .hasMessage("config file " + missing + " does not exist (CCROUTER_CONFIG / --config)");
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "modles:\n  haiku: x\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("CCROUTER_CONFIG", typo.toString())).load(ConfigLoader.Flags.NONE))
                .hasMessage("config file " + typo + ": unknown setting 'modles' (known: data_dir, max_output_tokens, "
                        + "models, operator, pricing, server, stream, upstream)");
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "server: [unclosed\n");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(new ConfigLoader.Flags(null, null, null, broken, null)))
                .hasMessageStartingWith("config file " + broken + " is not valid YAML: ");
    }

    @Test
    void publicUrlIsOptionalAndLosesItsTrailingSlash() throws IOException {
        assertThat(new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE).publicUrl()).isNull();
        assertThat(new ConfigLoader(Map.of("CCROUTER_PUBLIC_URL", "https://cc.example.com/"))
                .load(ConfigLoader.Flags.NONE).publicUrl()).isEqualTo("https://cc.example.com");
        Path file = dir.resolve("public.yaml");
        Files.writeString(file, "server:\n  public_url: http://[::1]:8787/team-a/ccrouter\n");
        assertThat(new ConfigLoader(Map.of("CCROUTER_CONFIG", file.toString())).load(ConfigLoader.Flags.NONE).publicUrl())
                .isEqualTo("http://[::1]:8787/team-a/ccrouter");
    }

    @Test
    void publicUrlMayHoldNothingAShellOrHtmlWouldInterpret() {
        for (String bad : new String[] {"cc.example.com", "ftp://cc.example.com", "https://cc.example.com/?a=1",
                "https://user@cc.example.com", "https://cc.example.com/$(id)", "https://cc.example.com\"><b>",
                "https://cc.example.com/a b"}) {
            assertThatThrownBy(() -> new ConfigLoader(Map.of("CCROUTER_PUBLIC_URL", bad)).load(ConfigLoader.Flags.NONE))
                    .as(bad)
                    .hasMessage("server.public_url (CCROUTER_PUBLIC_URL) must be an http(s) URL made of letters, "
                            + "digits and . - _ ~ / only, such as https://ccrouter.example.com, got '" + bad + "'");
        }
    }
}
