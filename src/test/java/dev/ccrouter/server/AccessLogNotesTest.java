package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.api.anthropic.Usage;
import dev.ccrouter.billing.Bill;
import dev.ccrouter.billing.CacheWrites;
import dev.ccrouter.billing.Cost;
import dev.ccrouter.testing.AccessLogCapture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bill's notes on the access line: escaped as one field, each request with its own, however often they recur. */
class AccessLogNotesTest {
    private static final String NO_PRICES = "no prices for this model in the catalog: cost not computed";
    private static final String NO_PRICES_TEXT = "no\\u0020prices\\u0020for\\u0020this\\u0020model\\u0020in"
            + "\\u0020the\\u0020catalog:\\u0020cost\\u0020not\\u0020computed";

    private final AccessLog log = new AccessLog();

    @Test
    void notesAreOneEscapedFieldJoinedBySemicolons() {
        try (AccessLogCapture lines = new AccessLogCapture()) {
            log.log(exchange("req_a", List.of(NO_PRICES, "the upstream reported no cost")));

            assertThat(lineOf(lines, "req_a")).endsWith(" billing_notes=" + NO_PRICES_TEXT
                    + ";\\u0020the\\u0020upstream\\u0020reported\\u0020no\\u0020cost");
        }
    }

    @Test
    void recurringNotesAndNewOnesEachGetTheirOwnText() {
        try (AccessLogCapture lines = new AccessLogCapture()) {
            log.log(exchange("req_1", List.of(NO_PRICES)));
            log.log(exchange("req_2", List.of("a=b")));
            log.log(exchange("req_3", new ArrayList<>(List.of(new String(NO_PRICES)))));
            for (int i = 0; i <= AccessLog.NOTES_KEPT; i++) { // past the kept number: the texts start afresh
                log.log(exchange("req_n" + i, List.of("cap " + i)));
            }
            log.log(exchange("req_4", List.of("a=b")));

            assertThat(lineOf(lines, "req_1")).endsWith(" billing_notes=" + NO_PRICES_TEXT);
            assertThat(lineOf(lines, "req_2")).endsWith(" billing_notes=a\\u003db");
            assertThat(lineOf(lines, "req_3")).endsWith(" billing_notes=" + NO_PRICES_TEXT);
            for (int i = 0; i <= AccessLog.NOTES_KEPT; i++) {
                assertThat(lineOf(lines, "req_n" + i)).endsWith(" billing_notes=cap\\u0020" + i);
            }
            assertThat(lineOf(lines, "req_4")).endsWith(" billing_notes=a\\u003db");
        }
    }

    /** The line of one request: written on the logging thread, so there already (no waiting as for a gateway's). */
    private static String lineOf(AccessLogCapture lines, String requestId) {
        return lines.lines().stream().filter(line -> line.startsWith(requestId + " ")).findFirst().orElseThrow();
    }

    private static Exchange exchange(String requestId, List<String> notes) {
        Exchange exchange = new Exchange(requestId, System.nanoTime());
        exchange.status = 200;
        exchange.bill = new Bill(new Usage(20, 3, 0, 0, 0, 0, 0), CacheWrites.NONE,
                new Cost(null, null, null, null, null, null, null), null, null, null, null, notes, false);
        return exchange;
    }
}
