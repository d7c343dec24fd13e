package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.AccessLogCapture;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The start's rehearsal sends Claude Code's turns through the gateway's own request path and leaves no trace a user
 * could see: the configured upstream never hears of it, and the ledger, the access log and the metrics count only the
 * requests that came after. When it is over before any request, the start's survivors are collected at once.
 */
class RehearsalTest {
    private static final String REQUEST = """
            {"model":"claude-sonnet-4-6","max_tokens":100,"messages":[{"role":"user","content":"hi"}]}""";

    FakeUpstream upstream;
    RunningGateway gateway;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }

    @Test
    void rehearsesOnAStageOfItsOwnAndOnlyTheRealRequestIsRecorded() throws Exception {
        gateway = RunningGateway.start(upstream);
        LedgerStore ledger = new LedgerStore(() -> LedgerDatabase.connect(LedgerSettings.defaults(gateway.dataDir())));
        try (AccessLogCapture accessLog = new AccessLogCapture()) {
            Duration took = gateway.server().rehearse().get(30, TimeUnit.SECONDS);
            assertThat(took).isPositive();

            upstream.answer(FakeUpstream.json(200, """
                    {"choices":[{"index":0,"message":{"content":"ok"},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":10,"completion_tokens":2}}"""));
            HttpResponse<String> real = SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST,
                    "x-api-key", "sk-test");
            assertThat(real.statusCode()).isEqualTo(200);
            String requestId = real.headers().firstValue("request-id").orElseThrow();

            assertThat(accessLog.line(requestId)).contains(" status=200 ");
            assertThat(accessLog.lines()).hasSize(1);
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ledger.count() == 1);
            assertThat(ledger.count()).isEqualTo(1);
            assertThat(upstream.requests()).hasSize(1);
            assertThat(upstream.lastRequest().headers()).containsEntry("authorization", "Bearer sk-test");
        }
    }

    @Test
    void whenItIsOverBeforeAnyRequestTheStartsSurvivorsAreCollectedOnce() throws Exception {
        gateway = RunningGateway.start(upstream);
        long before = fullCollections();

        gateway.server().rehearse().get(30, TimeUnit.SECONDS);

        // on the edge's watchdog thread, just after: the test JVM's own collector counts it as a full collection
        await().atMost(Duration.ofSeconds(10)).until(() -> fullCollections() > before);
    }

    /** Full collections so far, by the collector that makes them (Serial's or G1's, as the JVM runs). */
    private static long fullCollections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(collector -> collector.getName().equals("MarkSweepCompact")
                        || collector.getName().equals("G1 Old Generation"))
                .mapToLong(GarbageCollectorMXBean::getCollectionCount)
                .sum();
    }

    @Test
    void gatewayKeysProviderKeysAndASmallBodyLimitDoNotStopIt() throws Exception {
        gateway = RunningGateway.start(upstream, config -> config
                .withProviders(List.of(new ProviderSettings("openrouter", "openrouter",
                        URI.create(upstream.baseUrl()), List.of("sk-or-provider-key"), null, Map.of())))
                .withAuth(new AuthSettings(List.of(AuthSettings.ClientKey.of("sk-gateway-only")), List.of()))
                .withMaxBodyBytes(10_000));

        assertThat(gateway.server().rehearse().get(30, TimeUnit.SECONDS)).isPositive();
        assertThat(upstream.requests()).isEmpty();
        // the gateway itself still asks for its key and keeps its limit
        assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST, "x-api-key", "sk-test").statusCode())
                .isEqualTo(401);
    }

    @Test
    void aFailedRehearsalIsReportedAndTheGatewayServesOn() throws Exception {
        gateway = RunningGateway.start(upstream);
        ListAppender<ILoggingEvent> warnings = new ListAppender<>();
        warnings.start();
        Logger rehearsalLog = (Logger) LoggerFactory.getLogger(Rehearsal.class);
        rehearsalLog.addAppender(warnings);
        try {
            assertThatThrownBy(() -> gateway.server()
                    .rehearse(() -> List.of("{\"model\":".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("request POST /v1/messages answered HTTP/1.1 400 ");
        } finally {
            rehearsalLog.detachAppender(warnings);
        }
        assertThat(warnings.list).singleElement().satisfies(warning -> {
            assertThat(warning.getLevel()).isEqualTo(Level.WARN);
            assertThat(warning.getFormattedMessage())
                    .startsWith("the start's rehearsal failed, so the first request will be slower: ");
        });

        upstream.answer(FakeUpstream.json(200, """
                {"choices":[{"index":0,"message":{"content":"ok"},"finish_reason":"stop"}]}"""));
        assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST, "x-api-key", "sk-test").statusCode())
                .isEqualTo(200);
    }
}
