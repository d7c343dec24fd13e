package dev.ccrouter.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.billing.Money;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.http.ServerResponse;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.ledger.UsageTotals;
import dev.ccrouter.ledger.UsageView;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * {@code /dashboard}: the ledger in a browser — cost per day, cost per model, cache-hit share and savings over time,
 * top sessions and recent requests, refreshed every few seconds. The page, its script and uPlot (from its webjar)
 * are served from the jar under a policy that admits nothing from elsewhere; the numbers come from
 * {@code /dashboard/data}, one pass over the ledger's rows of the window.
 */
final class DashboardHandler {
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";
    private static final int DEFAULT_DAYS = 30;
    private static final int TOP_SESSIONS = 10;
    private static final int RECENT = 50;
    /**
     * A recent request's time in the dashboard's zone, as its days are, with the offset: the page shows its date and
     * time beside a summary naming the zone (it used to show UTC there, unlabelled).
     */
    private static final DateTimeFormatter RECENT_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX");

    private final LedgerStore ledger;
    private final ErrorResponses errors;
    private final ObjectWriter writer;
    /** Read at the first request for the dashboard, not at start, where their ≈ 0.25 MB would stay in eden's pages. */
    private final Lazy<Map<String, Asset>> assets;

    private record Asset(String contentType, byte[] bytes) {
    }

    DashboardHandler(LedgerStore ledger, ErrorResponses errors, ObjectMapper json) {
        this.ledger = ledger;
        this.errors = errors;
        this.writer = json.writer().with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
        this.assets = Lazy.create(() -> Map.of(
                "", asset("text/html; charset=utf-8", "/ccrouter/web/dashboard/dashboard.html"),
                "dashboard.js", asset("text/javascript; charset=utf-8", "/ccrouter/web/dashboard/dashboard.js"),
                "dashboard.css", asset("text/css; charset=utf-8", "/ccrouter/web/dashboard/dashboard.css"),
                "uplot.js", asset("text/javascript; charset=utf-8", UPLOT + "uPlot.iife.min.js"),
                "uplot.css", asset("text/css; charset=utf-8", UPLOT + "uPlot.min.css")));
    }

    /** {@code GET /dashboard} and its files. */
    void asset(ServerRequest req, ServerResponse res) {
        String path = req.path();
        Asset asset = assets.get().get(path.startsWith("/dashboard/") ? path.substring("/dashboard/".length()) : "");
        if (asset == null) {
            errors.send(res, AnthropicError.of(ErrorType.NOT_FOUND, "Not found: GET "
                    + SecretRedaction.path(path, ClientCredentials.apiKey(req.headers()))), Ids.next("req_"));
            return;
        }
        secured(res, asset.contentType());
        res.send(asset.bytes());
    }

    /** {@code GET /dashboard/data?since=YYYY-MM-DD&tz=Zone&model=&status=&key=}. */
    void data(ServerRequest req, ServerResponse res) {
        ZoneId zone;
        LocalDate since;
        try {
            zone = req.query("tz").map(ZoneId::of).orElse(ZoneId.systemDefault());
            since = req.query("since").map(LocalDate::parse)
                    .orElse(LocalDate.now(zone).minusDays(DEFAULT_DAYS - 1));
        } catch (DateTimeException e) {
            errors.send(res, AnthropicError.invalidRequest("since must be a date (YYYY-MM-DD) and tz a time zone: "
                    + e.getMessage()), Ids.next("req_"));
            return;
        }
        Predicate<LedgerEntry> filter = filter(req);
        ObjectNode body;
        try {
            body = summarize(since, zone, filter);
        } catch (SQLException e) {
            errors.send(res, new AnthropicError(503, ErrorType.API, "The ledger cannot be read right now.", null),
                    Ids.next("req_"));
            return;
        }
        secured(res, "application/json");
        try {
            res.send(writer.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree is always serializable", e);
        }
    }

    private ObjectNode summarize(LocalDate since, ZoneId zone, Predicate<LedgerEntry> filter) throws SQLException {
        Map<String, UsageTotals> days = new TreeMap<>();
        Map<String, UsageTotals> models = new LinkedHashMap<>();
        Map<String, UsageTotals> sessions = new LinkedHashMap<>();
        Deque<LedgerEntry> recent = new ArrayDeque<>();
        UsageTotals[] total = {UsageTotals.ZERO};
        Set<String> allModels = new TreeSet<>();
        Set<Integer> allStatuses = new TreeSet<>();
        Set<String> allKeys = new TreeSet<>();
        ledger.forEach(since.atStartOfDay(zone).toInstant(), null, entry -> {
            allModels.add(entry.billedModel());
            allStatuses.add(entry.httpStatus());
            if (entry.clientKeyId() != null) {
                allKeys.add(entry.clientKeyId());
            }
            if (!filter.test(entry)) {
                return;
            }
            days.merge(UsageView.DAILY.keyOf(entry, zone), UsageTotals.ZERO.plus(entry), (sum, one) -> sum.plus(entry));
            models.merge(UsageView.MODEL.keyOf(entry, zone), UsageTotals.ZERO.plus(entry), (sum, one) -> sum.plus(entry));
            if (entry.sessionId() != null) {
                sessions.merge(entry.sessionId(), UsageTotals.ZERO.plus(entry), (sum, one) -> sum.plus(entry));
            }
            recent.addFirst(entry);
            if (recent.size() > RECENT) {
                recent.removeLast();
            }
            total[0] = total[0].plus(entry);
        });
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("since", since.toString());
        body.put("timezone", zone.getId());
        total[0].writeTo(body.putObject("totals"));
        ObjectNode choices = body.putObject("filters"); // what the filters can choose from, whatever is chosen
        allModels.forEach(choices.putArray("models")::add);
        allStatuses.forEach(choices.putArray("statuses")::add);
        allKeys.forEach(choices.putArray("keys")::add);
        groups(body.putArray("days"), "date", days.entrySet().stream().toList());
        groups(body.putArray("models"), "model", byCost(models, Integer.MAX_VALUE));
        groups(body.putArray("sessions"), "session_id", byCost(sessions, TOP_SESSIONS));
        ArrayNode rows = body.putArray("recent");
        for (LedgerEntry entry : recent) {
            ObjectNode row = rows.addObject();
            row.put("time", RECENT_TIME.format(entry.time().atZone(zone)));
            row.put("request_id", entry.requestId());
            row.put("model", UsageView.MODEL.keyOf(entry, zone));
            row.put("status", entry.httpStatus());
            row.put("error_type", entry.errorType());
            row.put("key_id", entry.clientKeyId());
            row.put("session_id", entry.sessionId());
            row.put("total_tokens", entry.tokens().total());
            row.put("cost_usd", entry.spend().computed() == null ? null : Money.shown(entry.spend().computed()));
            row.put("duration_ms", entry.durationMillis());
        }
        return body;
    }

    private static List<Map.Entry<String, UsageTotals>> byCost(Map<String, UsageTotals> groups, int limit) {
        return groups.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, UsageTotals> group) -> group.getValue().costUsd())
                        .reversed().thenComparing(Map.Entry::getKey))
                .limit(limit).toList();
    }

    private static void groups(ArrayNode array, String keyName, List<Map.Entry<String, UsageTotals>> groups) {
        for (Map.Entry<String, UsageTotals> group : groups) {
            group.getValue().writeTo(array.addObject().put(keyName, group.getKey()));
        }
    }

    private static Predicate<LedgerEntry> filter(ServerRequest req) {
        Predicate<LedgerEntry> filter = entry -> true;
        String model = req.query("model").orElse("");
        String status = req.query("status").orElse("");
        String key = req.query("key").orElse("");
        if (!model.isEmpty()) {
            filter = filter.and(entry -> model.equals(entry.billedModel()));
        }
        if (!status.isEmpty()) {
            filter = filter.and(entry -> status.equals(String.valueOf(entry.httpStatus())));
        }
        if (!key.isEmpty()) {
            filter = filter.and(entry -> key.equals(entry.clientKeyId()));
        }
        return filter;
    }

    private static void secured(ServerResponse res, String contentType) {
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.header("Content-Security-Policy", CSP);
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
    }

    private static Asset asset(String contentType, String resource) {
        try (InputStream in = DashboardHandler.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the build");
            }
            return new Asset(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
