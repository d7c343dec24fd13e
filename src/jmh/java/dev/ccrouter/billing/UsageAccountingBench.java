package dev.ccrouter.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.CacheTtls;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The bill of one response: {@link UsageAccounting#account} on an OpenRouter usage object with cache reads, reported
 * writes and a charged cost, and on one whose writes must be inferred from the cost (the slower, exact-decimal path).
 * In this package only to read a price catalog with {@code OpenRouterModels.read}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UsageAccountingBench {
    ModelPricing sonnet;
    JsonNode reportedWrites;
    JsonNode inferredWrites;

    @Setup
    public void setUp() throws IOException {
        ObjectMapper json = new ObjectMapper();
        sonnet = OpenRouterModels.read(json.readTree("""
                {"data": [{"id": "anthropic/claude-sonnet-4.6", "pricing": {"prompt": "0.000003",
                  "completion": "0.000015", "input_cache_read": "0.0000003", "input_cache_write": "0.00000375",
                  "input_cache_write_1h": "0.000006", "internal_reasoning": "0", "request": "0"}}]}"""), "bench")
                .get("anthropic/claude-sonnet-4.6");
        reportedWrites = json.readTree("""
                {"prompt_tokens": 20000, "completion_tokens": 230, "cost": 0.0161775,
                 "prompt_tokens_details": {"cached_tokens": 19000, "cache_write_tokens": 800}}""");
        inferredWrites = json.readTree("""
                {"prompt_tokens": 20000, "completion_tokens": 230, "cost": 0.0161775,
                 "prompt_tokens_details": {"cached_tokens": 19000}}""");
    }

    @Benchmark
    public Bill reportedWrites() {
        return UsageAccounting.account(reportedWrites, CacheTtls.FIVE_MINUTES, sonnet);
    }

    @Benchmark
    public Bill inferredWrites() {
        return UsageAccounting.account(inferredWrites, CacheTtls.FIVE_MINUTES, sonnet);
    }
}
