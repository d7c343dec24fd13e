package dev.ccrouter.ledger;

import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ledger summed by one {@link UsageView} over a time range, with the totals and, per row, the same sums by
 * model. Grouped here rather than in SQL so that days and months follow the user's time zone on both databases.
 */
public record UsageReport(UsageView view, ZoneId zone, Instant since, Instant until, List<Row> rows,
                          UsageTotals totals) {

    /** One group: its key (a date, month, session id, model or key id), sums, and sums by model. */
    public record Row(String key, UsageTotals totals, Map<String, UsageTotals> byModel) {
        public List<String> models() {
            return List.copyOf(byModel.keySet());
        }
    }

    public UsageReport {
        rows = List.copyOf(rows);
    }

    public static UsageReport of(LedgerStore store, UsageView view, ZoneId zone, Instant since, Instant until)
            throws SQLException {
        Map<String, UsageTotals> groups = new LinkedHashMap<>();
        Map<String, Map<String, UsageTotals>> models = new LinkedHashMap<>();
        UsageTotals[] total = {UsageTotals.ZERO};
        store.forEach(since, until, entry -> {
            String key = view.keyOf(entry, zone);
            groups.merge(key, UsageTotals.ZERO.plus(entry), (sum, one) -> sum.plus(entry));
            models.computeIfAbsent(key, k -> new TreeMap<>())
                    .merge(UsageView.MODEL.keyOf(entry, zone), UsageTotals.ZERO.plus(entry), (sum, one) -> sum.plus(entry));
            total[0] = total[0].plus(entry);
        });
        List<Row> rows = new ArrayList<>();
        groups.forEach((key, sums) -> rows.add(new Row(key, sums, models.get(key))));
        rows.sort(view.chronological() ? Comparator.comparing(Row::key)
                : Comparator.comparing((Row row) -> row.totals().costUsd()).reversed().thenComparing(Row::key));
        return new UsageReport(view, zone, since, until, rows, total[0]);
    }
}
