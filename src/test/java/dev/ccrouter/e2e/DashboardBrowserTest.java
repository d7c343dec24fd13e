package dev.ccrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.Ledger;
import dev.ccrouter.ledger.SeededLedger;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.HeadlessChromium;
import dev.ccrouter.testing.RunningGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /dashboard} in headless Chromium against a gateway whose ledger holds {@link SeededLedger}: the page loads its
 * data and draws its charts under its own Content-Security-Policy with nothing in the console, shows the seeded
 * numbers, and filters. Screenshots land in {@code target/screenshots/}.
 */
class DashboardBrowserTest {
    private static final String WINDOW = "?since=2026-11-01&tz=UTC";
    private static final String[] WAIT_FOR_DATA = {"--virtual-time-budget=3000"};
    static FakeUpstream upstream;
    static RunningGateway gateway;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream);
        try (Ledger seeding = Ledger.open(LedgerSettings.defaults(gateway.dataDir()))) {
            SeededLedger.ENTRIES.forEach(seeding::record);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> seeding.writer().written() == SeededLedger.ENTRIES.size());
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void theDataHasTheSeededTotalsPerDayModelAndSession() throws Exception {
        HttpResponse<String> response = get("/dashboard/data" + WINDOW);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode data = new ObjectMapper().readTree(response.body());
        assertThat(data.path("totals").path("requests").asLong()).isEqualTo(6);
        assertThat(data.path("totals").path("cost_usd").decimalValue()).isEqualByComparingTo("0.052735");
        assertThat(data.path("days").findValuesAsText("date")).containsExactly("2026-11-30", "2026-12-01", "2026-12-02");
        assertThat(data.path("days").path(0).path("cost_usd").decimalValue()).isEqualByComparingTo("0.051525");
        assertThat(data.path("models").path(0).path("model").asText()).isEqualTo(SeededLedger.SONNET);
        assertThat(data.path("sessions").findValuesAsText("session_id")).containsExactly("s-1", "s-2", "s-3");
        assertThat(data.path("recent").path(0).path("request_id").asText()).isEqualTo("req_6");
        assertThat(data.path("filters").path("statuses").toString()).isEqualTo("[200,401,429]");

        JsonNode filtered = new ObjectMapper().readTree(get("/dashboard/data" + WINDOW + "&status=429").body());
        assertThat(filtered.path("totals").path("requests").asLong()).isEqualTo(1);
        assertThat(filtered.path("recent").findValuesAsText("error_type")).containsExactly("rate_limit_error");
    }

    @Test
    void theAssetsComeFromTheJarUnderAStrictPolicy() throws Exception {
        HttpResponse<String> page = get("/dashboard");
        assertThat(page.headers().firstValue("content-security-policy")).contains("default-src 'none'; "
                + "script-src 'self'; style-src 'self'; connect-src 'self'; img-src data:; base-uri 'none'; "
                + "form-action 'none'; frame-ancestors 'none'");
        assertThat(page.body()).doesNotContain("http://", "https://");
        HttpResponse<String> uplot = get("/dashboard/uplot.js");
        assertThat(uplot.headers().firstValue("content-type")).contains("text/javascript; charset=utf-8");
        assertThat(uplot.body()).contains("uPlot");
        assertThat(get("/dashboard/nothing.js").statusCode()).isEqualTo(404);
    }

    @Test
    void chromiumDrawsTheSeededNumbersWithoutConsoleErrors() throws Exception {
        HeadlessChromium chromium = HeadlessChromium.require(work);
        HeadlessChromium.Rendered page = chromium.render(gateway.baseUrl() + "/dashboard" + WINDOW, WAIT_FOR_DATA);
        assertThat(page.console()).as("browser console").isEmpty();
        assertThat(page.dom()).contains("data-state=\"ready\"", "data-days=\"3\"", "data-total-cost=\"0.052735\"",
                "data-charts=\"2\"");
        assertThat(page.dom()).contains("<td>" + SeededLedger.SONNET + "</td><td>2</td><td>55,500</td><td>$0.0515</td>",
                "<td>s-1</td><td>2</td><td>55,500</td><td>87.3%</td><td>$0.0515</td>",
                "<td>429 rate_limit_error</td>");
        // a model without prices, and its session: no known cost, not $0.0000 as if free
        assertThat(page.dom()).contains("<td>unknown/model</td><td>1</td><td>150</td><td>–</td>",
                "<td>s-3</td><td>1</td><td>150</td><td>0.0%</td><td>–</td>");

        HeadlessChromium.Rendered deepseek = chromium.render(
                gateway.baseUrl() + "/dashboard" + WINDOW + "&model=deepseek/deepseek-chat", WAIT_FOR_DATA);
        assertThat(deepseek.console()).as("browser console").isEmpty();
        assertThat(deepseek.dom()).contains("data-total-cost=\"0.00121\"", "data-days=\"1\"");

        Path screenshots = Files.createDirectories(Path.of("target", "screenshots"));
        chromium.screenshot(gateway.baseUrl() + "/dashboard" + WINDOW, screenshots.resolve("dashboard.png"),
                1280, 1400, WAIT_FOR_DATA);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
