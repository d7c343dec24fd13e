package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The client chooses the {@code model} field; whatever it holds, the access log gets one short, plain line. */
class AccessLogSafetyTest {
    static FakeUpstream upstream;
    static RunningGateway gateway;
    static ListAppender<ILoggingEvent> accessLog;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        upstream.answer(FakeUpstream.json(200,
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}"));
        gateway = RunningGateway.start(upstream);
        accessLog = new ListAppender<>();
        accessLog.start();
        ((Logger) LoggerFactory.getLogger("ccrouter.access")).addAppender(accessLog);
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger("ccrouter.access")).detachAppender(accessLog);
        gateway.close();
        upstream.close();
    }

    static String lineFor(String model) throws Exception {
        String json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("model", model)
                .put("max_tokens", 10).set("messages", new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree("[{\"role\":\"user\",\"content\":\"hi\"}]")).toString();
        String requestId = SseCapture.post(gateway.baseUrl() + "/v1/messages", json, "x-api-key", "sk-test")
                .headers().firstValue("request-id").orElseThrow();
        // The line is written once the response has gone out, so it may trail the client's view by a moment.
        await().atMost(Duration.ofSeconds(5)).until(() -> linesStartingWith(requestId).size() == 1);
        return linesStartingWith(requestId).getFirst();
    }

    static List<String> linesStartingWith(String requestId) {
        synchronized (accessLog.list) {
            return List.copyOf(accessLog.list).stream().map(ILoggingEvent::getFormattedMessage)
                    .filter(line -> line.startsWith(requestId)).toList();
        }
    }

    @Test
    void aNewlineInTheModelCannotForgeASecondLineOrField() throws Exception {
        String line = lineFor("claude-sonnet-4-6\nreq_forged status=200 model=x");
        assertThat(line).doesNotContain("\n")
                .contains(" model=claude-sonnet-4-6\\u000areq_forged\\u0020status\\u003d200\\u0020model\\u003dx ");
    }

    @Test
    void terminalEscapesAndBidiOverridesAreWrittenAsCodes() throws Exception {
        String line = lineFor("claude-sonnet-4-6\u001b[2J\u202e");
        assertThat(line).doesNotContain("\u001b").doesNotContain("\u202e")
                .contains(" model=claude-sonnet-4-6\\u001b[2J\\u202e ");
    }

    @Test
    void aFiveMegabyteModelIsCutToTwoHundredCharacters() throws Exception {
        String line = lineFor("claude-sonnet-" + "x".repeat(5_000_000));
        assertThat(line).contains(" model=claude-sonnet-" + "x".repeat(186) + "...(5000014 chars) ");
        assertThat(line.length()).isLessThan(1_000);
    }
}
