package dev.ccrouter.cli;

import dev.ccrouter.config.ConfigException;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerUnavailableException;
import dev.ccrouter.ledger.UsageReport;
import dev.ccrouter.ledger.UsageView;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ccrouter usage [daily|monthly|session|model|key]}: what the ledger says was used and spent. */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = {"Tokens and cost from the ledger, by day (default), month, Claude Code session, model or "
                + "client key. Reads the same ledger as the gateway (ledger.url in --config, else "
                + "<data dir>/ledger.db), also while it runs.",
                "Cost is computed from the catalog's prices; saved is what cache reads would have cost as input "
                        + "minus what they cost."})
final class UsageCommand implements Callable<Integer> {
    private static final DateTimeFormatter COMPACT_DATE = DateTimeFormatter.BASIC_ISO_DATE;

    @Parameters(index = "0", defaultValue = "daily", paramLabel = "VIEW",
            description = "daily, monthly, session, model or key (default: daily).")
    String view;

    @Option(names = "--since", paramLabel = "DATE", description = "From this day on (YYYY-MM-DD or YYYYMMDD).")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "Up to and including this day.")
    String until;

    @Option(names = "--timezone", paramLabel = "ZONE",
            description = "Time zone that days and months follow (default: this machine's).")
    String timezone;

    @Option(names = "--json", description = "JSON output (schema in docs/ledger.md).")
    boolean json;

    @Option(names = "--breakdown", description = "Each row split by model.")
    boolean breakdown;

    @Mixin
    LedgerOptions ledger = new LedgerOptions();

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;

    UsageCommand() {
        this(System.getenv());
    }

    UsageCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        UsageView usageView;
        ZoneId zone;
        Instant from;
        Instant to;
        LedgerSettings settings;
        try {
            usageView = view(view);
            zone = timezone == null ? ZoneId.systemDefault() : ZoneId.of(timezone);
            from = since == null ? null : day(since, "--since").atStartOfDay(zone).toInstant();
            to = until == null ? null : day(until, "--until").plusDays(1).atStartOfDay(zone).toInstant();
            settings = ledger.settingsToOpen(env);
        } catch (ConfigException | DateTimeException e) {
            err.println("ccrouter: " + e.getMessage());
            return 2;
        }
        UsageReport report;
        try (LedgerDatabase database = LedgerDatabase.open(settings)) {
            report = UsageReport.of(database.store(), usageView, zone, from, to);
        } catch (LedgerUnavailableException e) {
            err.println("ccrouter: " + e.getMessage());
            return 2;
        } catch (SQLException e) {
            err.println("ccrouter: " + readingFailed(settings, e));
            return 1;
        }
        if (json) {
            out.println(UsageJson.write(report, since == null ? null : day(since, "--since"),
                    until == null ? null : day(until, "--until"), breakdown));
        } else {
            UsageTable.print(out, report, breakdown);
        }
        out.flush();
        return 0;
    }

    /**
     * A read of the open ledger that failed, in one line: the database as every message names it, and what the driver
     * said as the opening's error says it ({@link LedgerDatabase#why}), since it may quote the URL or the user
     * information before its host, password and all.
     */
    static String readingFailed(LedgerSettings settings, SQLException e) {
        return "reading the ledger " + settings.displayUrl() + " failed: " + LedgerDatabase.why(settings, e);
    }

    private static UsageView view(String name) {
        for (UsageView candidate : UsageView.values()) {
            if (candidate.wireName().equals(name)) {
                return candidate;
            }
        }
        throw new ConfigException("unknown view '" + name + "': daily, monthly, session, model or key");
    }

    private static LocalDate day(String text, String option) {
        try {
            return text.length() == 8 ? LocalDate.parse(text, COMPACT_DATE) : LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new ConfigException(option + " must be a date such as 2026-12-01 or 20261201, got '" + text + "'");
        }
    }
}
