package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Routes;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A stream cut off before its usage chunk — the client interrupted the turn, or the upstream broke off — still costs
 * what the provider charged for the prompt and for what it generated. OpenRouter tells that afterwards, by the
 * generation's id; the ledger row waits for it and carries the exact bill, as a complete stream's row does.
 */
class CutOffStreamBillingTest {
    private static final String CLIENT_KEY = "sk-or-client-key-1";
    private static final String FIRST_CHUNK = "{\"id\":\"gen-cut-1\",\"choices\":[{\"index\":0,"
            + "\"delta\":{\"role\":\"assistant\",\"content\":\"Running the tests\"}}]}";
    /**
     * OpenRouter's record of the interrupted generation: 52,000 prompt tokens of which 48,000 read from the cache,
     * 40 output tokens, and what was charged, which holds 3,500 tokens written to the cache at Sonnet's 1.25× rate:
     * 500 × $3/M + 48,000 × $0.30/M + 3,500 × $3.75/M + 40 × $15/M = 0.0015 + 0.0144 + 0.013125 + 0.0006.
     */
    private static final String RECORD = """
            {"data":{"id":"gen-cut-1","model":"anthropic/claude-sonnet-4.6","streamed":true,"cancelled":true,
             "tokens_prompt":51870,"tokens_completion":38,"native_tokens_prompt":52000,
             "native_tokens_completion":40,"native_tokens_reasoning":0,"native_tokens_cached":48000,
             "total_cost":0.029625,"is_byok":false,"upstream_inference_cost":null,"finish_reason":null}}""";

    @Test
    void aTurnTheClientInterruptedIsBilledAsTheProviderRecordedIt() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(); RunningGateway gateway = RunningGateway.start(upstream)) {
            CountDownLatch cancelled = new CountDownLatch(1);
            upstream.answer(FakeUpstream.streamUntilCancelled(cancelled, FIRST_CHUNK));
            AtomicInteger asked = new AtomicInteger();
            upstream.generations((request, res) -> (asked.incrementAndGet() == 1 // not recorded yet, then recorded
                    ? FakeUpstream.json(404, "{\"error\":{\"code\":404,\"message\":\"Generation not found\"}}")
                    : FakeUpstream.json(200, RECORD)).answer(request, res));

            Instant sent = Instant.now();
            readThenLeave(gateway, "Running the tests");
            assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("upstream cancelled").isTrue();

            LedgerEntry row = onlyRowOnceBilled(gateway);
            assertThat(row.tokens()).isEqualTo(new LedgerEntry.Tokens(500, 40, 48000, 3500, 0, 0, false));
            assertThat(row.spend().computed()).isEqualByComparingTo("0.029625");
            assertThat(row.spend().charged()).isEqualByComparingTo("0.029625");
            assertThat(row.spend().residual()).isEqualByComparingTo("0");
            assertThat(row.stopReason()).isNull();
            assertThat(row.stream()).isTrue();
            // the row is the request's: when it arrived and how long it took, not when the record was found
            assertThat(row.time()).isBetween(sent.minusSeconds(1), sent.plusSeconds(1));
            assertThat(row.durationMillis()).isLessThan(2000); // the record was found 3 s on (lookups at 1 s and 3 s)

            assertThat(upstream.generationRequests()).hasSize(2).allSatisfy(lookup -> {
                assertThat(lookup.path()).isEqualTo("/v1/generation?id=gen-cut-1");
                assertThat(lookup.headers()).containsEntry("authorization", "Bearer " + CLIENT_KEY);
            });
        }
    }

    /**
     * A turn that ran OpenRouter's web plugin has its fee in the recorded cost, as a whole stream's usage has: no cache
     * writes are inferred from it for the interrupted turn either. 4,000 × $3/M + 48,000 × $0.30/M + 40 × $15/M =
     * $0.027 of tokens, charged $0.047: the $0.02 is five results' fee (inferred, it made the 4,000 tokens writes).
     */
    @Test
    void aWebSearchTurnTheClientInterruptedHasNoCacheWritesInferredFromItsFee() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(); RunningGateway gateway = RunningGateway.start(upstream)) {
            CountDownLatch cancelled = new CountDownLatch(1);
            upstream.answer(FakeUpstream.streamUntilCancelled(cancelled, FIRST_CHUNK));
            upstream.generations(FakeUpstream.json(200, RECORD.replace("\"total_cost\":0.029625", "\"total_cost\":0.047")));

            readThenLeave(gateway, BillingEndToEndTest.REQUEST.formatted("\"stream\":true,"
                    + "\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\",\"max_uses\":5}],"),
                    "Running the tests");
            assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("upstream cancelled").isTrue();

            assertThat(upstream.lastRequest().body().has("plugins")).as("the web plugin was asked for").isTrue();
            LedgerEntry row = onlyRowOnceBilled(gateway);
            assertThat(row.tokens()).isEqualTo(new LedgerEntry.Tokens(4000, 40, 48000, 0, 0, 0, false));
            assertThat(row.spend().computed()).isEqualByComparingTo("0.027");
            assertThat(row.spend().residual()).isEqualByComparingTo("0.02");
        }
    }

    @Test
    void aStreamTheUpstreamBrokeOffIsBilledToo() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(); RunningGateway gateway = RunningGateway.start(upstream)) {
            upstream.answer(FakeUpstream.sse(FIRST_CHUNK)); // the body ends: no finish reason, no usage
            upstream.generations(FakeUpstream.json(200, RECORD));

            HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", request(),
                    "x-api-key", CLIENT_KEY);
            assertThat(response.body()).contains("event: error")
                    .contains("The upstream closed the stream before the response was complete.");

            LedgerEntry row = onlyRowOnceBilled(gateway);
            assertThat(row.errorType()).isEqualTo("api_error");
            assertThat(row.tokens()).isEqualTo(new LedgerEntry.Tokens(500, 40, 48000, 3500, 0, 0, false));
            assertThat(row.spend().charged()).isEqualByComparingTo("0.029625");
        }
    }

    @Test
    void aStreamBrokenOffBetweenItsFinishReasonAndItsUsageIsBilledFromTheRecord() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(); RunningGateway gateway = RunningGateway.start(upstream)) {
            // OpenRouter sends the usage in a chunk after the finish reason: the body ends between the two
            upstream.answer(FakeUpstream.sse(FIRST_CHUNK,
                    "{\"id\":\"gen-cut-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}"));
            upstream.generations(FakeUpstream.json(200, RECORD));

            HttpResponse<String> response = SseCapture.post(gateway.baseUrl() + "/v1/messages", request(),
                    "x-api-key", CLIENT_KEY);
            assertThat(response.body()).contains("event: message_stop"); // the answer stands, its usage estimated

            LedgerEntry row = onlyRowOnceBilled(gateway);
            assertThat(row.tokens()).isEqualTo(new LedgerEntry.Tokens(500, 40, 48000, 3500, 0, 0, false));
            assertThat(row.spend().charged()).isEqualByComparingTo("0.029625");
            assertThat(row.stopReason()).isEqualTo("end_turn");
        }
    }

    @Test
    void aProviderThatKeepsNoRecordsIsNotAskedAndItsRowIsWrittenAtOnce() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withProviders(List.of(new ProviderSettings("local", "vllm", URI.create(upstream.baseUrl()),
                             List.of(), null, Map.of())))
                     .withRoutes(Routes.to("local,qwen3-coder")))) {
            upstream.answer(FakeUpstream.sse(FIRST_CHUNK));
            upstream.generations(FakeUpstream.json(200, RECORD));

            SseCapture.post(gateway.baseUrl() + "/v1/messages", request(), "x-api-key", CLIENT_KEY);

            LedgerStore ledger = ledgerOf(gateway);
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> ledger.count() == 1);
            assertThat(rows(ledger).getFirst().tokens()).isEqualTo(LedgerEntry.Tokens.NONE);
            assertThat(upstream.generationRequests()).isEmpty();
        }
    }

    /**
     * An Anthropic-wire provider tells the prompt's counts in {@code message_start}, before any text: a turn
     * interrupted after it is billed for them (the output so far is a lower bound, and the row's bill says so).
     */
    @Test
    void anAnthropicWireTurnTheClientInterruptedIsBilledForItsPrompt() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withProviders(List.of(new ProviderSettings("claude", "anthropic", URI.create(upstream.baseUrl()),
                             List.of("sk-ant-provider-0123456789"), null, Map.of()))))) {
            CountDownLatch cancelled = new CountDownLatch(1);
            upstream.answer(FakeUpstream.streamUntilCancelled(cancelled, """
                    {"type":"message_start","message":{"id":"msg_cut","type":"message","role":"assistant",\
                    "model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,\
                    "usage":{"input_tokens":500,"cache_read_input_tokens":48000,"cache_creation_input_tokens":3500,\
                    "cache_creation":{"ephemeral_5m_input_tokens":3500,"ephemeral_1h_input_tokens":0},\
                    "output_tokens":1}}}""",
                    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                    "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
                            + "\"text\":\"Running the tests\"}}"));

            readThenLeave(gateway, """
                    {"model":"claude,claude-sonnet-4-5","max_tokens":256,"stream":true,\
                    "messages":[{"role":"user","content":"run the tests"}]}""", "Running the tests");
            assertThat(cancelled.await(5, TimeUnit.SECONDS)).as("upstream cancelled").isTrue();

            LedgerStore ledger = ledgerOf(gateway);
            await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> ledger.count() == 1);
            LedgerEntry row = rows(ledger).getFirst();
            assertThat(row.tokens()).isEqualTo(new LedgerEntry.Tokens(500, 1, 48000, 3500, 0, 0, false));
            assertThat(row.httpStatus()).isEqualTo(200); // a stream's head went out: the access log says client_disconnected
            assertThat(row.provider()).isEqualTo("claude");
        }
    }

    @Test
    void aGatewayStoppingWritesTheRowsStillWaitingWithoutUsage() throws Exception {
        FakeUpstream upstream = FakeUpstream.start();
        RunningGateway gateway = RunningGateway.start(upstream);
        try {
            upstream.answer(FakeUpstream.sse(FIRST_CHUNK));
            // the record never appears: the lookup would go on for a minute

            SseCapture.post(gateway.baseUrl() + "/v1/messages", request(), "x-api-key", CLIENT_KEY);
            await().atMost(Duration.ofSeconds(10)).until(() -> !upstream.generationRequests().isEmpty());
            LedgerStore ledger = ledgerOf(gateway);
            assertThat(ledger.count()).isZero();

            gateway.server().close(); // what `ccrouter stop` or SIGTERM does
            assertThat(ledger.count()).isEqualTo(1);
            assertThat(rows(ledger).getFirst().tokens()).isEqualTo(LedgerEntry.Tokens.NONE);
        } finally {
            gateway.close();
            upstream.close();
        }
    }

    private static String request() {
        return BillingEndToEndTest.REQUEST.formatted("\"stream\":true,");
    }

    private static LedgerStore ledgerOf(RunningGateway gateway) {
        LedgerSettings settings = LedgerSettings.defaults(gateway.dataDir());
        return new LedgerStore(() -> LedgerDatabase.connect(settings));
    }

    /** The one row, once it has its bill: the lookups are tried 1 s and then 3 s after the stream ended. */
    private static LedgerEntry onlyRowOnceBilled(RunningGateway gateway) throws SQLException {
        LedgerStore ledger = ledgerOf(gateway);
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> ledger.count() == 1);
        List<LedgerEntry> rows = rows(ledger);
        assertThat(rows).hasSize(1);
        return rows.getFirst();
    }

    private static List<LedgerEntry> rows(LedgerStore ledger) throws SQLException {
        List<LedgerEntry> rows = new ArrayList<>();
        ledger.forEach(null, null, rows::add);
        return rows;
    }

    /** Sends a streaming request on a socket, reads until {@code marker}, and closes the connection (Esc). */
    private static void readThenLeave(RunningGateway gateway, String marker) throws Exception {
        readThenLeave(gateway, request(), marker);
    }

    private static void readThenLeave(RunningGateway gateway, String body, String marker) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: " + CLIENT_KEY + "\r\n"
                    + "content-type: application/json\r\ncontent-length: "
                    + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            ClientDisconnectTest.readUntil(socket.getInputStream(), marker);
        }
    }
}
