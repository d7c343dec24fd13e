package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.ConfigWatcher;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.SseCapture;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running gateway whose configuration file is edited in a way that leaves its providers as they were (a ping
 * interval): a key that was rate-limited still rests and a target that failed still cools down, so the next request
 * goes to the ready key and to the fallback, not back to what just refused it.
 */
class ReloadKeepsWhatWasLearnedTest {
    private static final String BODY = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String ANSWER =
            "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}";
    private static final String RATE_LIMITED = "{\"error\":{\"message\":\"Rate limit exceeded\",\"code\":429}}";

    @TempDir
    Path dir;

    private String file(FakeUpstream limited, FakeUpstream pooled, FakeUpstream spare, int pingSeconds) {
        return """
                server: {host: 127.0.0.1, port: 0}
                data_dir: %s
                ledger: {enabled: false}
                pricing: {refresh_minutes: 0}
                stream: {ping_interval_seconds: %d}
                providers:
                  - {name: limited, base_url: "%s", api_keys: [sk-limited-only-1111]}
                  - {name: pooled, base_url: "%s", api_keys: [sk-pooled-one-1111, sk-pooled-two-2222]}
                  - {name: spare, base_url: "%s", api_keys: [sk-spare-1111]}
                routes:
                  default: limited,model-l
                  background: pooled,model-p
                  fallbacks:
                    limited,model-l: [spare,model-s]
                  cooldown_seconds: 3600
                """.formatted(dir.resolve("data"), pingSeconds, limited.baseUrl(), pooled.baseUrl(), spare.baseUrl());
    }

    @Test
    void anUnrelatedEditKeepsARateLimitedKeyRestingAndAFailedTargetCooling() throws Exception {
        try (FakeUpstream limited = FakeUpstream.start(); FakeUpstream pooled = FakeUpstream.start();
             FakeUpstream spare = FakeUpstream.start()) {
            limited.answer(FakeUpstream.json(429, RATE_LIMITED, "retry-after", "3600"));
            pooled.answer((request, res) -> (request.headers().get("authorization").endsWith("one-1111")
                    ? FakeUpstream.json(429, RATE_LIMITED, "retry-after", "3600")
                    : FakeUpstream.json(200, ANSWER)).answer(request, res));
            spare.answer(FakeUpstream.json(200, ANSWER));
            Path config = Files.writeString(dir.resolve("ccrouter.yaml"), file(limited, pooled, spare, 10));
            ConfigLoader loader = new ConfigLoader(Map.of("HOME", dir.toString()));
            ConfigLoader.Flags flags = new ConfigLoader.Flags(null, null, null, config, null);
            ConfigLoader.Loaded loaded = loader.loadWithLedger(flags);
            CountDownLatch reloaded = new CountDownLatch(1);
            try (GatewayServer server = new GatewayServer(loaded.gateway(), loaded.ledger()).start();
                 ConfigWatcher watcher = ConfigWatcher.start(loader, flags, loaded, next -> {
                     server.reconfigure(next);
                     reloaded.countDown();
                 }).orElseThrow()) {
                String base = "http://127.0.0.1:" + server.port();
                assertThat(post(base, "claude-sonnet-5").headers().firstValue("x-ccrouter-provider"))
                        .contains("spare,model-s");
                assertThat(post(base, "claude-haiku-4-5").statusCode()).isEqualTo(200);
                assertThat(limited.requests()).hasSize(1);
                assertThat(pooled.requests()).hasSize(2);

                Files.writeString(config, file(limited, pooled, spare, 11));
                assertThat(reloaded.await(10, TimeUnit.SECONDS)).as("the edit was reloaded").isTrue();

                HttpResponse<String> afterReload = post(base, "claude-sonnet-5");
                assertThat(afterReload.headers().firstValue("x-ccrouter-provider")).contains("spare,model-s");
                assertThat(limited.requests()).as("the cooling target is skipped").hasSize(1);
                assertThat(post(base, "claude-haiku-4-5").statusCode()).isEqualTo(200);
                assertThat(pooled.requests().stream().map(r -> r.headers().get("authorization")).toList())
                        .as("the resting key is passed over").containsExactly("Bearer sk-pooled-one-1111",
                                "Bearer sk-pooled-two-2222", "Bearer sk-pooled-two-2222");
            }
        }
    }

    private static HttpResponse<String> post(String base, String model) throws Exception {
        return SseCapture.post(base + "/v1/messages", BODY.replace("claude-sonnet-5", model), "x-api-key", "sk-test");
    }
}
