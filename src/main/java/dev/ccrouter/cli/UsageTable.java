package dev.ccrouter.cli;

import dev.ccrouter.ledger.UsageReport;
import dev.ccrouter.ledger.UsageTotals;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ccrouter usage} as a table for the terminal: one line per group, the totals last. */
final class UsageTable {
    private static final String[] HEADERS = {"Requests", "Input", "Output", "Cache write", "Cache read",
            "Total tokens", "Cost", "Cache hit", "Saved"};
    /** Decimal places of dollars in the table (JSON keeps every digit). */
    private static final int DOLLAR_DECIMALS = 4;

    private UsageTable() {
    }

    static void print(PrintWriter out, UsageReport report, boolean breakdown) {
        List<String[]> lines = new ArrayList<>();
        lines.add(header(report));
        for (UsageReport.Row row : report.rows()) {
            lines.add(line(row.key(), row.totals()));
            if (breakdown) {
                for (Map.Entry<String, UsageTotals> model : row.byModel().entrySet()) {
                    lines.add(line("  " + model.getKey(), model.getValue()));
                }
            }
        }
        lines.add(line("Total", report.totals()));
        int[] widths = new int[lines.getFirst().length];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        out.println("Usage by " + report.view().column().replace("_id", "").replace("date", "day") + " ("
                + report.zone().getId() + ")");
        out.println();
        for (int i = 0; i < lines.size(); i++) {
            if (i == lines.size() - 1 || i == 1) {
                out.println(rule(widths));
            }
            out.println(format(lines.get(i), widths));
        }
        if (report.totals().unpricedRequests() > 0) {
            out.println();
            out.println(report.totals().unpricedRequests() + " request(s) have no computed cost (no price for the "
                    + "model, or no usage reported) and are not in Cost.");
        }
    }

    private static String[] header(UsageReport report) {
        String[] header = new String[HEADERS.length + 1];
        String column = report.view().column();
        header[0] = Character.toUpperCase(column.charAt(0)) + column.substring(1).replace("_id", "");
        System.arraycopy(HEADERS, 0, header, 1, HEADERS.length);
        return header;
    }

    private static String[] line(String key, UsageTotals totals) {
        return new String[] {key, count(totals.requests()), count(totals.inputTokens()), count(totals.outputTokens()),
                count(totals.cacheWriteTokens()), count(totals.cacheReadTokens()), count(totals.totalTokens()),
                cost(totals), percent(totals.cacheHitRatio()), dollars(totals.cacheSavingsUsd())};
    }

    /**
     * The computed cost, or "-" for a line none of whose requests has one (a model without prices): $0.0000 there
     * would read as free. A line only partly without prices shows what is known; the note under the table says the
     * rest.
     */
    private static String cost(UsageTotals totals) {
        return totals.unpricedRequests() > 0 && totals.costUsd().signum() == 0 ? "-" : dollars(totals.costUsd());
    }

    private static String format(String[] line, int[] widths) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < line.length; i++) {
            if (i > 0) {
                text.append("  ");
            }
            String pad = " ".repeat(widths[i] - line[i].length());
            text.append(i == 0 ? line[i] + pad : pad + line[i]);
        }
        return text.toString().stripTrailing();
    }

    private static String rule(int[] widths) {
        int length = 2 * (widths.length - 1);
        for (int width : widths) {
            length += width;
        }
        return "-".repeat(length);
    }

    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String dollars(BigDecimal value) {
        return "$" + value.setScale(DOLLAR_DECIMALS, RoundingMode.HALF_EVEN).toPlainString();
    }

    static String percent(BigDecimal ratio) {
        return ratio == null ? "-"
                : ratio.movePointRight(2).setScale(1, RoundingMode.HALF_EVEN).toPlainString() + "%";
    }
}
