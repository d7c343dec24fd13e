package dev.ccrouter.cli;

import dev.ccrouter.config.ConfigException;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.ledger.StatusLine;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
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
 * <p>It runs after every message. The {@code ./ccrouter} launcher asks the running gateway for the line
 * ({@code POST /statusline}, no JVM to start) and runs this command only when no gateway answers; both print
 * {@link StatusLine}. This one is kept to the minimum: one streaming pass over the JSON, one plain connection, two
 * indexed sums, no pool, no migration, no server. It always exits 0 (a failing command blanks the status line),
 * saying in the line what is wrong.
 */
@Command(name = "statusline", mixinStandardHelpOptions = true,
        description = {"Print one status line for Claude Code: this session's cost, tokens and cache-hit share, and "
                + "today's spend, from the ledger.",
                "Reads Claude Code's status-line JSON on stdin. In ~/.claude/settings.json: "
                        + "\"statusLine\": {\"type\": \"command\", \"command\": \"ccrouter statusline\"}"})
final class StatuslineCommand implements Callable<Integer> {
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
        String sessionId = StatusLine.sessionId(stdin);
        LedgerSettings settings;
        try {
            settings = ledger.settings(env);
        } catch (ConfigException e) {
            return "ccrouter: " + e.getMessage();
        }
        if (!settings.enabled()) {
            return StatusLine.NO_LEDGER;
        }
        if (!settings.isPostgres() && !Files.exists(Path.of(settings.url().substring("jdbc:sqlite:".length())
                .replaceAll("\\?.*", "")))) { // the file before the query, as LedgerDatabase creates it
            return "ccrouter: no usage recorded yet";
        }
        LedgerStore store = new LedgerStore(() -> LedgerDatabase.connect(settings));
        try {
            return StatusLine.of(store, sessionId, LocalDate.now(clock).atStartOfDay(clock.getZone()).toInstant());
        } catch (SQLException e) {
            return StatusLine.unavailable(settings);
        }
    }
}
