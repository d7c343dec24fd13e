package dev.ccrouter.server;

import static dev.ccrouter.server.WebPagesTest.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.RunningGateway;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pages of a gateway with keys of its own ({@code auth.keys}): its users are told to ask for one of its keys,
 * and that it goes no further, instead of being asked for their OpenRouter key, which it would refuse; a reload that
 * adds or removes the keys changes what the pages say.
 */
class TeamGatewayPagesTest {
    private static final AuthSettings TEAM_KEYS =
            new AuthSettings(List.of(AuthSettings.ClientKey.of("gw-team-0123456789abcdef")), List.of());

    @Test
    void theLandingTermsAndPrivacyPagesSpeakOfTheGatewaysKeysAndFollowAReload() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withProviders(List.of(Providers.openRouter(upstream, "sk-or-operator"))).withAuth(TEAM_KEYS))) {
            String landing = get(gateway, "/").body();
            assertThat(landing).contains("This instance takes keys of its own: ask its operator for yours.",
                    "asks for your gateway key.", "export ANTHROPIC_AUTH_TOKEN=your-gateway-key",
                    "| CCROUTER_GATEWAY_KEY=your-gateway-key bash", "secrets.CCROUTER_GATEWAY_KEY }}")
                    .doesNotContain("OpenRouter key", "OPENROUTER_API_KEY", "sk-or-v1", "@KEY");
            assertThat(get(gateway, "/terms").body()).contains("Requests go on to the provider this instance is "
                    + "configured with (<code>127.0.0.1</code>) with the operator's own key").doesNotContain("@KEY");
            assertThat(get(gateway, "/privacy").body()).contains("The key you send opens this instance and is not "
                    + "forwarded").doesNotContain("@KEY");

            GatewayConfig open = gateway.config().withAuth(AuthSettings.OPEN);
            gateway.server().reconfigure(open);

            assertThat(get(gateway, "/").body()).contains("You bring your own OpenRouter key",
                    "| OPENROUTER_API_KEY=sk-or-v1-… bash").doesNotContain("gateway key", "CCROUTER_GATEWAY_KEY");
            assertThat(get(gateway, "/terms").body()).contains("You use your own provider key. Each request is "
                    + "forwarded with it to the provider this instance is configured with (<code>127.0.0.1</code>)");
        }
    }

    @Test
    void theInstallerFollowsAReloadToo() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withProviders(List.of(Providers.openRouter(upstream, "sk-or-operator"))))) {
            assertThat(get(gateway, "/install.sh").body()).contains("\nGATEWAY_KEYS=''\n");

            gateway.server().reconfigure(gateway.config().withAuth(TEAM_KEYS));

            assertThat(get(gateway, "/install.sh").body()).contains("\nGATEWAY_KEYS='required'\n");
        }
    }
}
