package dev.ccrouter.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ccrouter.config.ConfigException;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.ledger.UsageTotals;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ccrouter statusline}: Claude Code's status-line command. Claude Code pipes a JSON object about the session
 * ({@code session_id}, {@code model}, {@code workspace}, …) to it after each message and shows the first line it
 * prints; this prints the session's cost and tokens and cache-hit share, and today's spend, from the ledger.
 *
 * <p>It runs after every message, so it is kept to the minimum: one streaming pass over the JSON, one plain
 * connection, two indexed sums, no pool, no migration, no server. It always exits 0 (a failing command blanks the
 * status line), saying in the line what is wrong.
 */
@Command(name = "statusline", mixinStandardHelpOptions = true,
        description = {"Print one status line for Claude Code: this session's cost, tokens and cache-hit share, and "
                + "today's spend, from the ledger.",
                "Reads Claude Code's status-line JSON on stdin. In ~/.claude/settings.json: "
                        + "\"statusLine\": {\"type\": \"command\", \"command\": \"ccrouter statusline\"}"})
final class StatuslineCommand implements Callable<Integer> {
    private static final JsonFactory JSON = new JsonFactory();

    @Mixin
    LedgerOptions ledger = new LedgerOptions();

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;
    private final InputStream stdin;
    private final Clock clock;

    StatuslineCommand() {
        this(System.getenv(), System.in, Clock.systemDefaultZone());
    }

    StatuslineCommand(Map<String, String> env, InputStream stdin, Clock clock) {
        this.env = env;
        this.stdin = stdin;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println(line());
        out.flush();
        return 0;
    }

    private String line() {
        String sessionId;
        try {
            sessionId = sessionId(stdin);
        } catch (IOException e) {
            sessionId = null; // a status line without the session part beats none
        }
        LedgerSettings settings;
        try {
            settings = ledger.settings(env);
        } catch (ConfigException e) {
            return "ccrouter: " + e.getMessage();
        }
        if (!settings.enabled()) {
            return "ccrouter: no ledger (ledger.enabled is false)";
        }
        if (!settings.isPostgres() && !Files.exists(Path.of(settings.url().substring("jdbc:sqlite:".length())))) {
            return "ccrouter: no usage recorded yet";
        }
        LedgerStore store = new LedgerStore(() -> LedgerDatabase.connect(settings));
        ZoneId zone = clock.getZone();
        try {
            UsageTotals today = store.since(LocalDate.now(clock).atStartOfDay(zone).toInstant());
            StringBuilder line = new StringBuilder("ccrouter");
            if (sessionId != null) {
                UsageTotals session = store.session(sessionId);
                line.append(" · session ").append(dollars(session.costUsd()))
                        .append(" · ").append(tokens(session.totalTokens())).append(" tokens");
                if (session.cacheHitRatio() != null) {
                    line.append(" · cache ").append(session.cacheHitRatio().movePointRight(2)
                            .setScale(0, RoundingMode.HALF_EVEN).toPlainString()).append('%');
                }
            }
            return line.append(" · today ").append(dollars(today.costUsd())).toString();
        } catch (SQLException e) {
            return "ccrouter: ledger unavailable (" + settings.displayUrl() + ")";
        }
    }

    /** The top-level {@code session_id}, read without building a tree. */
    static String sessionId(InputStream in) throws IOException {
        try (JsonParser parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("session_id") && value == JsonToken.VALUE_STRING) {
                    return parser.getText();
                }
                parser.skipChildren();
            }
            return null;
        }
    }

    /** Dollars as a status line shows them: cents from a dollar up, else four decimals. */
    static String dollars(BigDecimal usd) {
        int decimals = usd.compareTo(BigDecimal.ONE) >= 0 ? 2 : 4;
        return "$" + usd.setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    }

    /** 950, 52.7k, 1.23M. */
    static String tokens(long count) {
        if (count < 1_000) {
            return String.valueOf(count);
        }
        if (count < 1_000_000) {
            return String.format(Locale.ROOT, "%.1fk", count / 1_000.0);
        }
        return String.format(Locale.ROOT, "%.2fM", count / 1_000_000.0);
    }
}
