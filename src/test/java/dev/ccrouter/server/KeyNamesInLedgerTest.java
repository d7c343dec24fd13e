package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.cli.LedgerCli;
import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.AuthSettings.ClientKey;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.ClientKeyId;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.Providers;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SseCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The ledger names a gateway key by its configured name ({@code auth.keys[].name}), and a key without one by its
 * short hash: what {@code ccrouter usage key} and the dashboard show. The key itself is stored nowhere.
 */
class KeyNamesInLedgerTest {
    private static final String NAMED = "ccr-laptop-key-0123456789";
    private static final String UNNAMED = "ccr-unnamed-key-9876543210";

    @Test
    void rowsCarryTheKeysNameOrItsShortHashNeverTheKey() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withProviders(List.of(Providers.openRouter(upstream, "sk-or-provider-key")))
                     .withAuth(new AuthSettings(List.of(new ClientKey("laptop", NAMED, null, null, null, null),
                             ClientKey.of(UNNAMED)), List.of())))) {
            for (String key : List.of(NAMED, NAMED, UNNAMED)) {
                upstream.answer(SpendingLimitsTest.billedStream());
                assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages",
                        BillingEndToEndTest.REQUEST.formatted("\"stream\":true,"), "x-api-key", key).statusCode())
                        .isEqualTo(200);
            }
            LedgerSettings settings = LedgerSettings.defaults(gateway.dataDir());
            LedgerStore ledger = new LedgerStore(() -> LedgerDatabase.connect(settings));
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ledger.count() == 3);

            List<String> ids = new ArrayList<>();
            ledger.forEach(null, null, row -> ids.add(row.clientKeyId()));
            assertThat(ids).containsExactly("laptop", "laptop", ClientKeyId.of(UNNAMED));

            JsonNode byKey = new ObjectMapper().readTree(LedgerCli.usage(settings, "key", "--json").out());
            Map<String, Long> requests = new TreeMap<>();
            byKey.path("rows").forEach(row -> requests.put(row.path("key_id").asText(), row.path("requests").asLong()));
            assertThat(requests).isEqualTo(Map.of("laptop", 2L, ClientKeyId.of(UNNAMED), 1L));

            try (var files = Files.list(gateway.dataDir())) { // ledger.db and its write-ahead log
                for (var file : files.filter(file -> file.getFileName().toString().startsWith("ledger.db")).toList()) {
                    assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
                            .doesNotContain(NAMED).doesNotContain(UNNAMED);
                }
            }
        }
    }

    /**
     * Claude Code's session header is stored as the ledger's {@code session_id} and shown by {@code ccrouter usage
     * session}: a client that sends a key there (its gateway key, an {@code sk-…} key) has it stored redacted, as a
     * key pasted into the model is. A session id of the usual shape is stored as it came.
     */
    @Test
    void aKeySentAsTheSessionIdIsStoredRedacted() throws Exception {
        String uuid = "5b1c3d0e-0000-4000-8000-000000000001";
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config
                     .withProviders(List.of(Providers.openRouter(upstream, "sk-or-provider-key")))
                     .withAuth(new AuthSettings(List.of(new ClientKey("laptop", NAMED, null, null, null, null),
                             ClientKey.of(UNNAMED)), List.of())))) {
            List<List<String>> sent = List.of(List.of(NAMED, NAMED), List.of(NAMED, "session-" + NAMED),
                    List.of(UNNAMED, "sk-or-v1-SESSIONLEAK0123456789abcdef"), List.of(UNNAMED, uuid));
            for (List<String> keyAndSession : sent) {
                upstream.answer(SpendingLimitsTest.billedStream());
                assertThat(SseCapture.post(gateway.baseUrl() + "/v1/messages",
                        BillingEndToEndTest.REQUEST.formatted("\"stream\":true,"), "x-api-key", keyAndSession.get(0),
                        "x-claude-code-session-id", keyAndSession.get(1)).statusCode()).isEqualTo(200);
            }
            LedgerSettings settings = LedgerSettings.defaults(gateway.dataDir());
            LedgerStore ledger = new LedgerStore(() -> LedgerDatabase.connect(settings));
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ledger.count() == 4);

            List<String> sessions = new ArrayList<>();
            ledger.forEach(null, null, row -> sessions.add(row.sessionId()));
            assertThat(sessions).containsExactlyInAnyOrder("[redacted]", "session-[redacted]", "[redacted]", uuid);

            JsonNode bySession = new ObjectMapper().readTree(LedgerCli.usage(settings, "session", "--json").out());
            Set<String> shown = new TreeSet<>();
            bySession.path("rows").forEach(row -> shown.add(row.path("session_id").asText()));
            assertThat(shown).containsExactly("5b1c3d0e-0000-4000-8000-000000000001", "[redacted]",
                    "session-[redacted]");
            assertThat(LedgerCli.usage(settings, "session").out()).contains("session-[redacted]")
                    .doesNotContain(NAMED).doesNotContain("SESSIONLEAK");
        }
    }
}
