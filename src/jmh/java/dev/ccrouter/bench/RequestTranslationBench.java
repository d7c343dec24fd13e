package dev.ccrouter.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.VerbatimTrees;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.route.Router;
import dev.ccrouter.rehearsal.ClaudeCodeBodies;
import dev.ccrouter.translate.MessagesRequestTranslator;
import dev.ccrouter.translate.TokenEstimator;
import dev.ccrouter.translate.UpstreamTarget;
import dev.ccrouter.upstream.RequestBody;
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
 * serialize, the tools remembered from the last turn as they are in a conversation (and not, in
 * {@code wholeRequestPathNewTools}). A thin wrapper over {@link VerbatimTrees#read}, {@link MessagesRequestTranslator#translate},
 * {@link TokenEstimator#estimate} and {@link RequestBody#json}, so that it follows their signatures easily. The
 * {@code …ReadTree} and {@code …EscapedAgain} operations are the path before strings were copied verbatim (Jackson's
 * {@code readTree}, every string escaped again), for a before/after in one run. Run with
 * {@code bench/jmh RequestTranslationBench} (see docs/benchmarks.md).
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
    VerbatimTrees verbatim;
    byte[] raw;
    /** Bodies whose tools differ by a byte, more than are remembered: each one read and translated as new. */
    byte[][] newTools;
    int nextNewTools;
    JsonNode parsed;
    JsonNode parsedByReadTree;
    ObjectNode upstream;
    ObjectNode upstreamOfReadTree;
    UpstreamTarget target;
    MessagesRequestTranslator translator;
    TokenEstimator estimator;

    @Setup
    public void setUp() throws IOException {
        json = new ObjectMapper();
        verbatim = new VerbatimTrees(json.getFactory(), json.getNodeFactory());
        raw = json.writeValueAsBytes(ClaudeCodeBodies.toolRoundTrip("claude-sonnet-5", bodyBytes, true));
        parsed = verbatim.read(raw);
        parsedByReadTree = json.readTree(raw);
        GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE);
        target = new Router(config).decide(parsed, 0).first().target();
        translator = new MessagesRequestTranslator(json);
        estimator = new TokenEstimator();
        upstream = translator.translate(parsed, target, "session").body();
        upstreamOfReadTree = translator.translate(parsedByReadTree, target, "session").body();
        newTools = new byte[9][];
        for (int i = 0; i < newTools.length; i++) {
            ObjectNode body = ClaudeCodeBodies.toolRoundTrip("claude-sonnet-5", bodyBytes, true);
            ((ObjectNode) body.get("tools").get(0)).put("name", "Task" + i);
            newTools[i] = json.writeValueAsBytes(body);
        }
    }

    @Benchmark
    public JsonNode parse() throws IOException {
        return verbatim.read(raw);
    }

    @Benchmark
    public JsonNode parseReadTree() throws IOException {
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
    public long estimateReadTree() {
        return estimator.estimate(parsedByReadTree);
    }

    @Benchmark
    public RequestBody serialize() {
        return RequestBody.json(json, upstream, raw.length);
    }

    @Benchmark
    public RequestBody serializeEscapedAgain() {
        return RequestBody.json(json, upstreamOfReadTree, raw.length);
    }

    /** What the gateway does with a body before the upstream call: read, estimate, translate, serialize. */
    @Benchmark
    public RequestBody wholeRequestPath() throws IOException {
        JsonNode body = verbatim.read(raw);
        estimator.estimate(body);
        return RequestBody.json(json, translator.translate(body, target, "session").body(), raw.length);
    }

    /**
     * The whole path for a body whose tools were not seen before (a session's first request, or new MCP tools): read
     * and translated in full, then remembered ({@code wholeRequestPath} is every later turn).
     */
    @Benchmark
    public RequestBody wholeRequestPathNewTools() throws IOException {
        byte[] next = newTools[nextNewTools++ % newTools.length];
        JsonNode body = verbatim.read(next);
        estimator.estimate(body);
        return RequestBody.json(json, translator.translate(body, target, "session").body(), next.length);
    }

    @Benchmark
    public RequestBody wholeRequestPathReadTree() throws IOException {
        JsonNode body = json.readTree(raw);
        estimator.estimate(body);
        return RequestBody.json(json, translator.translate(body, target, "session").body(), raw.length);
    }
}
