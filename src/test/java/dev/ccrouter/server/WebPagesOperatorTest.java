package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Who runs an instance and where its source is, as its pages say; and the warning a loopback address earns. */
class WebPagesOperatorTest {
    static final String WARNING = "<p class=\"warning\" id=\"loopback-warning\"><strong>This address is this machine's "
            + "own.</strong>";

    @Test
    void theFooterNamesTheConfiguredOperatorTheirContactAndTheSource() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config.withOperator(
                     new GatewayConfig.Operator("Example & Co", "ops@example.com", "https://git.example.com/ccrouter")))) {
            String body = WebPagesTest.get(gateway, "/terms").body();

            assertThat(body).contains("<p>ccrouter is open-source, self-hosted software (<a "
                    + "href=\"https://git.example.com/ccrouter\">source</a>); this instance is run by Example &amp; Co "
                    + "(<a href=\"mailto:ops@example.com\">ops@example.com</a>).</p>");
        }
    }

    @Test
    void withoutAnOperatorThePageSaysSoPlainlyAndAContactThatIsNoAddressIsNoLink() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway unnamed = RunningGateway.start(upstream, config -> config.withOperator(
                     new GatewayConfig.Operator(null, null, null)));
             RunningGateway odd = RunningGateway.start(upstream, config -> config.withOperator(
                     new GatewayConfig.Operator(null, "javascript:alert(1)", "javascript:alert(2)")))) {
            assertThat(WebPagesTest.get(unnamed, "/").body()).contains("<p>ccrouter is open-source, self-hosted "
                    + "software; this instance is run by its operator.</p>");
            assertThat(WebPagesTest.get(odd, "/").body()).contains("<p>ccrouter is open-source, self-hosted software "
                    + "(source); this instance is run by its operator (javascript:alert(1)).</p>")
                    .doesNotContain("href=\"javascript");
        }
    }

    @Test
    void aLoopbackAddressIsFlaggedAndAPublicOneIsNot() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             // 127.0.0.1 is a trusted proxy here, so that the forwarded headers below are believed.
             RunningGateway local = RunningGateway.start(upstream,
                     config -> config.withEdge(config.edge().withTrustedProxies(java.util.List.of("127.0.0.1"))));
             RunningGateway published = RunningGateway.start(upstream,
                     config -> config.withPublicUrl("https://ccrouter.example.com"))) {
            HttpResponse<String> direct = WebPagesTest.get(local, "/");
            HttpResponse<String> proxied = WebPagesTest.get(local, "/", "X-Forwarded-Proto", "https",
                    "X-Forwarded-Host", "gw.example.org");

            assertThat(direct.body()).contains(WARNING);
            assertThat(proxied.body()).doesNotContain("loopback-warning");
            assertThat(WebPagesTest.get(published, "/").body()).doesNotContain("loopback-warning");
        }
        assertThat(WebPages.isLoopback("http://localhost:8787")).isTrue();
        assertThat(WebPages.isLoopback("http://[::1]:8787")).isTrue();
        assertThat(WebPages.isLoopback("http://127.0.0.2")).isTrue();
        assertThat(WebPages.isLoopback("http://10.0.0.5:8787")).isFalse();
    }
}
