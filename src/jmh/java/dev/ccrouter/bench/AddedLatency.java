package dev.ccrouter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.route.ModelRouter;
import dev.ccrouter.testing.ClaudeCodeBodies;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.translate.MessagesRequestTranslator;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import io.helidon.common.socket.SocketOptions;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Added latency of the gateway over calling the upstream directly. A local upstream answers instantly; one client
 * (keep-alive, TCP_NODELAY) alternates a direct call (the already-translated OpenAI body to the upstream) with a call
 * through the gateway (the Anthropic body), and the difference of the latency percentiles is what the gateway adds.
 *
 * <pre>
 * mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.ccrouter.bench.AddedLatency [iterations]
 * # or against separately started processes (see docs/benchmarks.md):
 * java -cp … dev.ccrouter.bench.AddedLatency 5000 http://127.0.0.1:8787 http://127.0.0.1:18081/v1
 * </pre>
 */
public final class AddedLatency {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        String externalGateway = args.length > 2 ? args[1] : null;
        String externalUpstream = args.length > 2 ? args[2] : null;
        WebServer upstream = externalUpstream == null ? InstantUpstream.start(0) : null;
        String upstreamUrl = externalUpstream != null ? externalUpstream : "http://127.0.0.1:" + upstream.port() + "/v1";
        ch.qos.logback.classic.Logger access = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ccrouter.access");
        access.setLevel(ch.qos.logback.classic.Level.WARN);
        RunningGateway inProcess = externalGateway == null ? RunningGateway.start(upstreamUrl, c -> c) : null;
        String gatewayUrl = externalGateway != null ? externalGateway : inProcess.baseUrl();
        try {
            WebClient client = WebClient.builder()
                    .socketOptions(SocketOptions.builder().tcpNoDelay(true).build())
                    .build();
            GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE);
            ModelRouter router = new ModelRouter(config.models(), config.maxOutputTokens());
            MessagesRequestTranslator translator = new MessagesRequestTranslator(JSON);

            for (boolean big : new boolean[] {false, true}) {
                ObjectNode anthropic = big
                        ? ClaudeCodeBodies.toolRoundTrip("claude-sonnet-5", 80_000, true)
                        : ClaudeCodeBodies.small("claude-sonnet-5", true);
                byte[] viaBody = JSON.writeValueAsBytes(anthropic);
                byte[] directBody = JSON.writeValueAsBytes(
                        translator.translate(anthropic, router.route("claude-sonnet-5"), null).body());
                String direct = upstreamUrl + "/chat/completions";
                String via = gatewayUrl + "/v1/messages";
                long[] directNanos = new long[iterations];
                long[] viaNanos = new long[iterations];
                for (int i = -iterations; i < iterations; i++) { // the first half warms up
                    long d = call(client, direct, directBody);
                    long v = call(client, via, viaBody);
                    if (i >= 0) {
                        directNanos[i] = d;
                        viaNanos[i] = v;
                    }
                }
                report(big ? "Claude Code body (" + viaBody.length / 1024 + " KB)" : "small body (" + viaBody.length + " B)",
                        directNanos, viaNanos);
            }
        } finally {
            if (inProcess != null) {
                inProcess.close();
            }
            if (upstream != null) {
                upstream.stop();
            }
        }
    }

    private static long call(WebClient client, String url, byte[] body) throws Exception {
        long start = System.nanoTime();
        try (HttpClientResponse response = client.post(url)
                .header(HeaderNames.CONTENT_TYPE, "application/json")
                .header(HeaderNames.create("x-api-key"), "sk-bench")
                .header(HeaderNames.AUTHORIZATION, "Bearer sk-bench")
                .submit(body)) {
            if (response.status().code() != 200) {
                throw new IllegalStateException(url + " answered " + response.status());
            }
            response.inputStream().transferTo(OutputStream.nullOutputStream());
        }
        return System.nanoTime() - start;
    }

    private static void report(String label, long[] direct, long[] via) {
        Arrays.sort(direct);
        Arrays.sort(via);
        System.out.printf("%s, %d requests each%n", label, direct.length);
        System.out.printf("  %-8s %9s %9s %9s%n", "", "p50 ms", "p90 ms", "p99 ms");
        System.out.printf("  %-8s %9.3f %9.3f %9.3f%n", "direct", ms(direct, 0.50), ms(direct, 0.90), ms(direct, 0.99));
        System.out.printf("  %-8s %9.3f %9.3f %9.3f%n", "gateway", ms(via, 0.50), ms(via, 0.90), ms(via, 0.99));
        System.out.printf("  %-8s %9.3f %9.3f %9.3f%n", "added", ms(via, 0.50) - ms(direct, 0.50),
                ms(via, 0.90) - ms(direct, 0.90), ms(via, 0.99) - ms(direct, 0.99));
    }

    private static double ms(long[] sorted, double quantile) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(quantile * sorted.length))] / 1e6;
    }
}
