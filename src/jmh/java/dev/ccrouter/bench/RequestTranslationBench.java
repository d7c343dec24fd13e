package dev.ccrouter.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.route.Router;
import dev.ccrouter.training.ClaudeCodeBodies;
import dev.ccrouter.translate.MessagesRequestTranslator;
import dev.ccrouter.translate.TokenEstimator;
import dev.ccrouter.translate.UpstreamTarget;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request path's CPU work on Claude Code-shaped bodies of 10, 80 and 400 KB: parse, translate, estimate,
 * serialize. A thin wrapper over {@link MessagesRequestTranslator#translate} and {@link TokenEstimator#estimate}, so
 * that it follows their signatures easily. Run with {@code bench/jmh RequestTranslationBench} (see docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestTranslationBench {
    @Param({"10000", "80000", "400000"})
    int bodyBytes;

    ObjectMapper json;
    byte[] raw;
    JsonNode parsed;
    UpstreamTarget target;
    MessagesRequestTranslator translator;
    TokenEstimator estimator;

    @Setup
    public void setUp() throws IOException {
        json = new ObjectMapper();
        raw = json.writeValueAsBytes(ClaudeCodeBodies.toolRoundTrip("claude-sonnet-5", bodyBytes, true));
        parsed = json.readTree(raw);
        GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE);
        target = new Router(config).decide(parsed, 0).first().target();
        translator = new MessagesRequestTranslator(json);
        estimator = new TokenEstimator();
    }

    @Benchmark
    public JsonNode parse() throws IOException {
        return json.readTree(raw);
    }

    @Benchmark
    public Object translate() {
        return translator.translate(parsed, target, "session");
    }

    @Benchmark
    public long estimate() {
        return estimator.estimate(parsed);
    }

    @Benchmark
    public byte[] wholeRequestPath() throws IOException {
        JsonNode body = json.readTree(raw);
        estimator.estimate(body);
        return json.writeValueAsBytes(translator.translate(body, target, "session").body());
    }
}
