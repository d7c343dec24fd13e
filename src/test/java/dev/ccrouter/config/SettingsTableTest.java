package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings table is the one source: the README shows it as generated, and every variable in it takes effect. */
class SettingsTableTest {
    private static final String BEGIN = "<!-- settings-table:begin";
    private static final String END = "<!-- settings-table:end -->";

    @Test
    void theReadmeShowsTheGeneratedTable() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf('\n', readme.indexOf(BEGIN)) + 1;
        String shown = readme.substring(begin, readme.indexOf(END));
        assertThat(shown).as("README.md's settings table; regenerate it from Settings.markdown()")
                .isEqualTo(Settings.markdown());
    }

    @Test
    void everyEnvironmentVariableInTheTableSetsItsSetting() {
        Map<String, String> values = Map.ofEntries(
                Map.entry("CCROUTER_HOST", "0.0.0.0"),
                Map.entry("CCROUTER_PORT", "9001"),
                Map.entry("CCROUTER_PUBLIC_URL", "https://cc.example.com"),
                Map.entry("OPENROUTER_BASE_URL", "http://127.0.0.1:9/v1"),
                Map.entry("CCROUTER_MODEL_HAIKU", "h/h"),
                Map.entry("CCROUTER_MODEL_SONNET", "s/s"),
                Map.entry("CCROUTER_MODEL_OPUS", "o/o"),
                Map.entry("CCROUTER_DATA_DIR", "/var/lib/ccrouter"),
                Map.entry("CCROUTER_LEDGER_URL", "jdbc:postgresql://db/ledger"),
                Map.entry("CCROUTER_TRUSTED_PROXIES", "10.0.0.1, 192.168.0.0/16"),
                Map.entry("CCROUTER_CORS_ORIGINS", "https://app.example.com"));
        List<String> inTable = Settings.ALL.stream().map(Setting::env).filter(env -> env != null).toList();
        assertThat(values.keySet()).containsExactlyInAnyOrderElementsOf(inTable);

        GatewayConfig config = new ConfigLoader(new HashMap<>(values)).load(ConfigLoader.Flags.NONE);
        assertThat(List.of(config.host(), String.valueOf(config.port()), config.publicUrl(),
                config.upstreamBaseUrl().toString(), config.models().haiku(), config.models().sonnet(),
                config.models().opus(), config.dataDir().toString()))
                .containsExactly("0.0.0.0", "9001", "https://cc.example.com", "http://127.0.0.1:9/v1", "h/h", "s/s",
                        "o/o", "/var/lib/ccrouter");
        assertThat(new ConfigLoader(new HashMap<>(values)).loadLedger(ConfigLoader.Flags.NONE).url())
                .isEqualTo("jdbc:postgresql://db/ledger");
        assertThat(config.edge().trustedProxies()).containsExactly("10.0.0.1", "192.168.0.0/16");
        assertThat(config.edge().corsOrigins()).containsExactly("https://app.example.com");
    }

    @Test
    void everyRowIsFoundFromTheConcretePathsItStandsFor() {
        for (Setting setting : Settings.ALL) {
            ConfigPath path = ConfigPath.parse(setting.path().replace("<model>", "m").replace("<target>", "a,b")
                    .replace("[]", "[0]"));
            assertThat(Settings.forPath(path)).as(setting.path()).contains(setting);
        }
    }
}
