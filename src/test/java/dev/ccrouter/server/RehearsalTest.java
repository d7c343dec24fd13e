package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ccrouter.api.anthropic.JsonBuffers;
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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The start's rehearsal sends Claude Code's turns through the gateway's own request path before the server listens, and
 * leaves no trace a user could see: the configured upstream never hears of it, and the ledger, the access log and the
 * metrics count only the requests that came after. The start's survivors are collected before the port opens too. A
 * rehearsal that fails or does not end costs the start nothing but its patience.
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
        gateway = RunningGateway.start(upstream, UnaryOperator.identity(), GatewayServer::startRehearsed);
        LedgerStore ledger = new LedgerStore(() -> LedgerDatabase.connect(LedgerSettings.defaults(gateway.dataDir())));
        try (AccessLogCapture accessLog = new AccessLogCapture()) {
            assertThat(gateway.server().rehearsal()).isCompletedWithValueMatching(Duration::isPositive);

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
    void theServerListensOnceTheRehearsalIsOverAndTheStartsSurvivorsAreCollected() {
        long before = fullCollections();
        List<String> said = new CopyOnWriteArrayList<>();
        // each line with the full collections the test JVM had made by the time it was logged
        try (var logs = new LoggedLines(said, event -> event.getFormattedMessage().substring(0, 12) + " "
                + (fullCollections() - before), Rehearsal.class, GatewayServer.class)) {
            gateway = RunningGateway.start(upstream, UnaryOperator.identity(), GatewayServer::startRehearsed);
        }

        assertThat(gateway.server().rehearsal()).isCompletedWithValueMatching(Duration::isPositive);
        assertThat(said).extracting(line -> line.substring(0, 12)).containsExactly("warmed up: r", "ccrouter lis");
        // the start's collection (the test JVM's collector counts it as a full one) ran before the port opened
        assertThat(Long.parseLong(said.get(1).substring(13))).isPositive();
    }

    @Test
    void aGatewayStartedWithoutARehearsalSaysSo() {
        gateway = RunningGateway.start(upstream);

        assertThatThrownBy(() -> gateway.server().rehearsal())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("started without a rehearsal");
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
                .withMaxBodyBytes(10_000), GatewayServer::startRehearsed);

        assertThat(gateway.server().rehearsal()).isCompletedWithValueMatching(Duration::isPositive);
        assertThat(upstream.requests()).isEmpty();
        // the gateway itself still asks for its key and keeps its limit
        assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST, "x-api-key", "sk-test").statusCode())
                .isEqualTo(401);
    }

    @Test
    void aFailedRehearsalIsReportedAndTheGatewayServesOn() throws Exception {
        List<String> said = new CopyOnWriteArrayList<>();
        try (var logs = new LoggedLines(said, Rehearsal.class)) {
            gateway = RunningGateway.start(upstream, UnaryOperator.identity(),
                    server -> server.startRehearsed(() -> List.of("{\"model\":".getBytes(StandardCharsets.UTF_8))));
        }

        assertThatThrownBy(() -> gateway.server().rehearsal().get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("request POST /v1/messages answered HTTP/1.1 400 ");
        assertThat(said).singleElement().asString()
                .startsWith("WARN the start's rehearsal failed, so the first request will be slower: ");

        upstream.answer(FakeUpstream.json(200, """
                {"choices":[{"index":0,"message":{"content":"ok"},"finish_reason":"stop"}]}"""));
        assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST, "x-api-key", "sk-test").statusCode())
                .isEqualTo(200);
    }

    @Test
    void aRehearsalThatDoesNotEndHoldsTheStartNoLongerThanItsPatience() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        List<String> said = new CopyOnWriteArrayList<>();
        try (var logs = new LoggedLines(said, GatewayServer.class)) {
            long begun = System.nanoTime();
            gateway = RunningGateway.start(upstream, UnaryOperator.identity(), server -> server.startRehearsed(() -> {
                released.await();
                return Rehearsal.claudeCodeTurns(JsonBuffers.mapper());
            }));
            assertThat(Duration.ofNanos(System.nanoTime() - begun))
                    .isGreaterThanOrEqualTo(GatewayServer.REHEARSAL_PATIENCE)
                    .isLessThan(GatewayServer.REHEARSAL_PATIENCE.multipliedBy(2));
            try {
                assertThat(said).startsWith(
                        "WARN the start's rehearsal is taking over 5 s: listening without waiting for its end");
                assertThat(said.get(1)).startsWith("INFO ccrouter listening on http://");
                assertThat(gateway.server().rehearsal()).isNotDone();
                upstream.answer(FakeUpstream.json(200, """
                        {"choices":[{"index":0,"message":{"content":"ok"},"finish_reason":"stop"}]}"""));
                assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages", REQUEST, "x-api-key", "sk-test")
                        .statusCode()).isEqualTo(200);
            } finally {
                released.countDown();
            }
            assertThat(gateway.server().rehearsal().get(30, TimeUnit.SECONDS)).isPositive();
            // the late end is said too, once the rehearsal's last step (the start's collection) is over
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(said).last().asString()
                    .matches("INFO warmed up: rehearsed Claude Code's first turns on a stage of its own in \\d+ ms,"
                            + " after listening"));
        }
        assertThat(upstream.requests()).hasSize(1);
    }

    /**
     * A start that cannot open its port while its rehearsal outlasts the patience fails once the patience is spent,
     * not after a second wait on its way out, and says nothing of a rehearsal or of listening.
     */
    @Test
    void aStartThatCannotListenWaitsForItsRehearsalOnceAndSaysOnlyWhy() throws Exception {
        CountDownLatch released = new CountDownLatch(1);
        List<String> said = new CopyOnWriteArrayList<>();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             var logs = new LoggedLines(said, GatewayServer.class)) {
            long begun = System.nanoTime();
            assertThatThrownBy(() -> RunningGateway.start(upstream, config -> config.withPort(taken.getLocalPort()),
                    server -> server.startRehearsed(() -> {
                        released.await();
                        return Rehearsal.claudeCodeTurns(JsonBuffers.mapper());
                    })))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("cannot listen there: the port is in use");
            assertThat(Duration.ofNanos(System.nanoTime() - begun))
                    .isGreaterThanOrEqualTo(GatewayServer.REHEARSAL_PATIENCE)
                    .isLessThan(GatewayServer.REHEARSAL_PATIENCE.multipliedBy(2));
            assertThat(said).noneMatch(line -> line.contains("rehearsal") || line.contains("warmed up")
                    || line.contains("listening"));
        } finally {
            released.countDown();
        }
        assertThat(upstream.requests()).isEmpty();
    }

    /** The lines the given classes log while open (INFO and above, whatever the tests' level). */
    private static final class LoggedLines implements AutoCloseable {
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
            @Override
            protected void append(ILoggingEvent event) {
                lines.add(format.apply(event));
            }
        };
        private final List<String> lines;
        private final Function<ILoggingEvent, String> format;
        private final List<Logger> loggers;
        private final List<Level> levels;

        /** Each line as "LEVEL message". */
        LoggedLines(List<String> lines, Class<?>... classes) {
            this(lines, event -> event.getLevel() + " " + event.getFormattedMessage(), classes);
        }

        LoggedLines(List<String> lines, Function<ILoggingEvent, String> format, Class<?>... classes) {
            this.lines = lines;
            this.format = format;
            this.loggers = Stream.of(classes).map(type -> (Logger) LoggerFactory.getLogger(type)).toList();
            this.levels = loggers.stream().map(Logger::getLevel).toList();
            appender.start();
            loggers.forEach(logger -> {
                logger.addAppender(appender);
                logger.setLevel(Level.INFO);
            });
        }

        @Override
        public void close() {
            for (int i = 0; i < loggers.size(); i++) {
                loggers.get(i).detachAppender(appender);
                loggers.get(i).setLevel(levels.get(i));
            }
        }
    }
}
