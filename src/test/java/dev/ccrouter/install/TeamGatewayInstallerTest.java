package dev.ccrouter.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.ProviderSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installer a gateway with keys of its own ({@code auth.keys}) serves: its users give the key the operator gave
 * them, which is kept as {@code CCROUTER_GATEWAY_KEY}, not asked for as an OpenRouter key that the gateway would refuse.
 */
class TeamGatewayInstallerTest {
    static final String GATEWAY_KEY = "gw-team-0123456789abcdef";

    static ServedInstaller served;

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    @BeforeAll
    static void serveTheScript() throws Exception {
        served = ServedInstaller.fetch(shared, config -> config
                .withProviders(List.of(new ProviderSettings("openrouter", "openrouter", config.upstreamBaseUrl(),
                        List.of("sk-or-operator"), null, Map.of())))
                .withAuth(new AuthSettings(List.of(AuthSettings.ClientKey.of(GATEWAY_KEY)), List.of())));
    }

    @AfterAll
    static void stopServing() {
        served.close();
    }

    @Test
    void theKeyIsTheGatewaysAndKeptUnderItsOwnName() throws Exception {
        InstallerSandbox sandbox = new InstallerSandbox(dir).node("v20.11.1").npm().claude();

        InstallerSandbox.Run run = sandbox.env("CCROUTER_KEY", GATEWAY_KEY).run(served.script, "--aliases");

        assertThat(run.exitCode()).as(run.output()).isZero();
        Path keys = sandbox.home.resolve(".config/ccrouter/keys.sh");
        assertThat(Files.readString(keys)).isEqualTo(InstallerScriptTest.KEY_FILE_HEADER
                + "export CCROUTER_GATEWAY_KEY='" + GATEWAY_KEY + "'\n");
        String rc = Files.readString(sandbox.home.resolve(".bashrc"));
        assertThat(rc).contains("# Claude Code → the ccrouter gateway at " + served.url + ", with a gateway key.\n",
                "export ANTHROPIC_AUTH_TOKEN=\"$CCROUTER_GATEWAY_KEY\"\n",
                "alias cc-openrouter='env ANTHROPIC_BASE_URL=\"" + served.url + "\" ANTHROPIC_AUTH_TOKEN=\"$CCROUTER_GATEWAY_KEY\"")
                .doesNotContain("OPENROUTER_API_KEY");
        assertThat(run.stdout()).contains("in $CCROUTER_GATEWAY_KEY (kept in " + keys + ")",
                "(each reads its key from\n$CCROUTER_GATEWAY_KEY / $MOONSHOT_API_KEY)");
        assertThat(run.output()).doesNotContain(GATEWAY_KEY);
    }

    @Test
    void itsHelpSaysWhichKey() throws Exception {
        InstallerSandbox.Run run = new InstallerSandbox(dir).run(served.script, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).contains("gateway (this ccrouter, with a key from its operator; the default)",
                "(or CCROUTER_GATEWAY_KEY / MOONSHOT_API_KEY when the environment already has it)");
    }
}
