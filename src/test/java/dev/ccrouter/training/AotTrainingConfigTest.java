package dev.ccrouter.training;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.cli.Main;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.ProviderSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training's start reads a configuration file as users' starts do. A file the gateway refused would fail the
 * training, and the launcher then starts every gateway without its cache: slower, and silently.
 */
class AotTrainingConfigTest {
    static final String UPSTREAM = "http://127.0.0.1:9/v1";

    @TempDir
    Path dataDir;

    @Test
    void everyProviderOfTheTrainingsFileIsAtTheTrainingsUpstream() throws Exception {
        Path file = AotTraining.writeConfigFile(dataDir, UPSTREAM);

        GatewayConfig config = new ConfigLoader(Map.of())
                .load(new ConfigLoader.Flags(0, null, UPSTREAM, file, dataDir));

        List<ProviderSettings> configured = config.providers();
        assertThat(configured).extracting(ProviderSettings::name).containsExactly("deepseek", "local");
        assertThat(configured).extracting(ProviderSettings::preset).containsExactly("deepseek", "ollama");
        assertThat(configured).extracting(ProviderSettings::baseUrl)
                .containsExactly(URI.create(UPSTREAM), URI.create(UPSTREAM));
        assertThat(config.routes().defaultRoute()).isEqualTo("deepseek,deepseek-chat");
    }

    @Test
    void theGatewayStartsOnItAsTheTrainingStartsIt() throws Exception {
        Path file = AotTraining.writeConfigFile(dataDir, UPSTREAM);

        int status = Main.execute("serve", "--port", "0", "--data-dir", dataDir.toString(), "--upstream", UPSTREAM,
                "--config", file.toString(), "--exit-when-ready");

        assertThat(status).isZero();
    }
}
