package dev.ccrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.cli.LedgerCli;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.testing.ClaudeCli;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.ScriptedModel;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof of the ledger: the real Claude Code through a gateway with a fresh data directory, then the real
 * {@code ccrouter usage --json} on that directory shows exactly the requests Claude Code made and what they cost. The
 * expected figures come from what the scripted model answered (its fixed usage and each model's list price, see
 * {@link ScriptedModel#usage}), per request it saw, not from the gateway.
 */
class ClaudeCodeUsageEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @TempDir
    Path work;

    @Test
    void usageJsonShowsExactlyTheRequestsAndCostOfAClaudeCodeRun() throws Exception {
        String claude = ClaudeCli.require();
        try (ScriptedModel model = ScriptedModel.start(0);
             RunningGateway gateway = RunningGateway.start(model.baseUrl(), config -> config)) {
            Map<String, String> quiet = Map.of("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
            ClaudeCli.print(claude, home, work, gateway.baseUrl(), "Say hi", "sonnet", quiet);
            ClaudeCli.print(claude, home, work, gateway.baseUrl(), "Please use bash to print the marker", "opus",
                    quiet);

            List<String> models = model.requests().stream().map(request -> request.path("model").asText()).toList();
            assertThat(models).as("the upstream saw a Sonnet answer and Opus's tool call and answer")
                    .contains("anthropic/claude-sonnet-4.6", "anthropic/claude-opus-4.6");
            long requests = models.size();
            BigDecimal cost = models.stream().map(name -> new BigDecimal(ScriptedModel.COSTS.get(name)))
                    .reduce(BigDecimal.ZERO, BigDecimal::add);
            Map<String, Long> requestsByModel = new TreeMap<>();
            models.forEach(name -> requestsByModel.merge(name, 1L, Long::sum));

            LedgerSettings ledger = LedgerSettings.defaults(gateway.dataDir());
            // The ledger is written behind the responses, in batches: wait until it holds every request.
            await().atMost(Duration.ofSeconds(20)).until(() -> usage(ledger, "daily").path("totals")
                    .path("requests").asLong() >= requests);

            JsonNode totals = usage(ledger, "daily").path("totals");
            assertThat(totals.path("requests").asLong()).isEqualTo(requests);
            assertThat(totals.path("input_tokens").asLong()).isEqualTo(requests * ScriptedModel.INPUT_TOKENS);
            assertThat(totals.path("output_tokens").asLong()).isEqualTo(requests * ScriptedModel.OUTPUT_TOKENS);
            assertThat(totals.path("cache_creation_input_tokens").asLong())
                    .isEqualTo(requests * ScriptedModel.CACHE_WRITE_TOKENS);
            assertThat(totals.path("cache_read_input_tokens").asLong())
                    .isEqualTo(requests * ScriptedModel.CACHE_READ_TOKENS);
            assertThat(totals.path("total_tokens").asLong()).isEqualTo(requests * (ScriptedModel.INPUT_TOKENS
                    + ScriptedModel.OUTPUT_TOKENS + ScriptedModel.CACHE_WRITE_TOKENS + ScriptedModel.CACHE_READ_TOKENS));
            assertThat(totals.path("cost_usd").decimalValue()).isEqualByComparingTo(cost);
            assertThat(totals.path("unpriced_requests").asLong()).isZero();

            Map<String, Long> ledgerByModel = new TreeMap<>();
            for (JsonNode row : usage(ledger, "model").path("rows")) {
                ledgerByModel.put(row.path("model").asText(), row.path("requests").asLong());
            }
            assertThat(ledgerByModel).isEqualTo(requestsByModel);
            assertThat(usage(ledger, "session").path("rows")).as("one Claude Code session per claude -p").hasSize(2);
        }
    }

    private static JsonNode usage(LedgerSettings ledger, String view) throws Exception {
        LedgerCli.Result result = LedgerCli.usage(ledger, view, "--json");
        assertThat(result.exitCode()).as(result.err()).isZero();
        return JSON.readTree(result.out());
    }
}
