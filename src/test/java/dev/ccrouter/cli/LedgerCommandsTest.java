package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.Ledger;
import dev.ccrouter.ledger.SeededLedger;
import dev.ccrouter.testing.DriverMessages;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The ledger commands when there is no ledger to read, and {@code serve} when its database is unreachable or its data
 * directory cannot hold it.
 */
class LedgerCommandsTest {
    @TempDir
    Path dir;

    @Test
    void statuslineBeforeAnyUsageSaysSoWithoutCreatingALedger() throws IOException {
        LedgerSettings settings = LedgerSettings.defaults(dir);
        LedgerCli.Result result = LedgerCli.statusline(settings, "{\"session_id\":\"s-1\"}", Clock.systemUTC());
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("ccrouter: no usage recorded yet\n");
        assertThat(dir.resolve("ledger.db")).doesNotExist();
    }

    /** sqlite-jdbc takes settings in the URL's query ({@code ledger.url}); the ledger is still the file before it. */
    @Test
    void statuslineReadsASqliteLedgerWhoseUrlHasAQuery() throws Exception {
        LedgerSettings settings = new LedgerSettings(true, LedgerSettings.defaults(dir).url() + "?busy_timeout=3000",
                10_000, Duration.ofMillis(100));
        try (Ledger ledger = Ledger.open(settings)) {
            SeededLedger.ENTRIES.forEach(ledger::record);
            await().atMost(Duration.ofSeconds(10)).until(() -> ledger.writer().written() == SeededLedger.ENTRIES.size());
        }
        LedgerCli.Result result = LedgerCli.statusline(settings, "{\"session_id\":\"s-1\"}",
                Clock.fixed(Instant.parse("2026-12-01T12:00:00Z"), ZoneOffset.UTC));
        assertThat(result.out()).isEqualTo("ccrouter · session $0.0515 · 55.5k tokens · cache 87% · today $0.0012\n");
    }

    @Test
    void usageWithAnUnknownViewOrDateIsExitTwo() throws IOException {
        LedgerSettings settings = LedgerSettings.defaults(dir);
        LedgerCli.Result view = LedgerCli.usage(settings, "weekly");
        assertThat(view.exitCode()).isEqualTo(2);
        assertThat(view.err()).isEqualTo("ccrouter: unknown view 'weekly': daily, monthly, session, model or key\n");
        LedgerCli.Result date = LedgerCli.usage(settings, "--since", "yesterday");
        assertThat(date.exitCode()).isEqualTo(2);
        assertThat(date.err())
                .isEqualTo("ccrouter: --since must be a date such as 2026-12-01 or 20261201, got 'yesterday'\n");
    }

    /**
     * A read that fails once the ledger is open is said with what the driver says, which may quote the database's URL
     * or the user information before its host: the line shows them as the opening's error does, without the password.
     */
    @ParameterizedTest
    @MethodSource("dev.ccrouter.testing.DriverMessages#quotingThePassword")
    void usageSaysAFailedReadWithoutThePasswordOfTheUrl(DriverMessages.Quoting failure) {
        LedgerSettings settings = new LedgerSettings(true, failure.url(), 100, Duration.ofSeconds(1));

        assertThat(UsageCommand.readingFailed(settings, new SQLException(failure.driverSays())))
                .isEqualTo("reading the ledger " + failure.shownUrl() + " failed: " + failure.shown())
                .doesNotContain("secret");
    }

    /**
     * Said as the opening says it: what the driver said last (the pool's timeout names only itself; the cause says
     * why), on one line (PostgreSQL's server adds its position and hints on lines of their own).
     */
    @Test
    void usageSaysAFailedReadInOneLineWithItsCause() {
        LedgerSettings settings = new LedgerSettings(true, "jdbc:postgresql://db/ledger", 100, Duration.ofSeconds(1));
        SQLException timedOut = new SQLException("ccrouter-ledger - Connection is not available, request timed out "
                + "after 5001ms", new SQLException("Connection to db:5432 refused"));

        assertThat(UsageCommand.readingFailed(settings, timedOut))
                .isEqualTo("reading the ledger jdbc:postgresql://db/ledger failed: Connection to db:5432 refused");
        assertThat(UsageCommand.readingFailed(settings, new SQLException("ERROR: permission denied for table "
                + "ledger_entry\n  Where: SQL statement")))
                .isEqualTo("reading the ledger jdbc:postgresql://db/ledger failed: ERROR: permission denied for table "
                        + "ledger_entry");
    }

    /** Years LocalDate accepts but epoch milliseconds cannot hold: nothing that far, or everything, not a stack trace. */
    @Test
    void usageSinceOrUntilFarFromNowIsAnEmptyOrWholeReport() throws IOException {
        LedgerSettings settings = LedgerSettings.defaults(dir);
        LedgerCli.Result future = LedgerCli.usage(settings, "--since", "+300000000-01-01", "--json");
        assertThat(future.err()).isEmpty();
        assertThat(future.exitCode()).isZero();
        LedgerCli.Result past = LedgerCli.usage(settings, "--until", "-300000000-01-01", "--json");
        assertThat(past.err()).isEmpty();
        assertThat(past.exitCode()).isZero();
    }

    /** Exit code and standard error of a command run in this process; the home directory is the test's. */
    private LedgerCli.Result run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(command).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new LedgerCli.Result(exit, out.toString(), err.toString());
    }

    private Map<String, String> home(String... variables) {
        Map<String, String> env = new HashMap<>(Map.of("HOME", dir.toString()));
        for (int i = 0; i < variables.length; i += 2) {
            env.put(variables[i], variables[i + 1]);
        }
        return env;
    }

    /**
     * A data directory that is a file is said as such, with the setting that chose it (the flag over the variable,
     * the variable over the file, the file over the default), before the ledger's opening would name its file and
     * quote the driver; a start that cannot proceed exits 2, as an unreachable ledger does.
     */
    @Test
    void serveNamesADataDirectoryThatIsAFileAndTheSettingThatChoseIt() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path config = Files.writeString(dir.resolve("ccrouter.yaml"), "data_dir: " + file + "\n");
        String isAFile = file + " (%s) is a file, not a directory\n";

        assertThat(run(new ServeCommand(home("CCROUTER_DATA_DIR", dir.resolve("unused").toString())), "--port", "0",
                "--data-dir", file.toString()))
                .isEqualTo(new LedgerCli.Result(2, "", "ccrouter: the data directory "
                        + isAFile.formatted("--data-dir")));
        assertThat(run(new ServeCommand(home("CCROUTER_DATA_DIR", file.toString(), "CCROUTER_CONFIG",
                config.toString())), "--port", "0"))
                .isEqualTo(new LedgerCli.Result(2, "", "ccrouter: the data directory "
                        + isAFile.formatted("CCROUTER_DATA_DIR")));
        assertThat(run(new ServeCommand(home("CCROUTER_CONFIG", config.toString())), "--port", "0"))
                .isEqualTo(new LedgerCli.Result(2, "", "ccrouter: the data directory "
                        + isAFile.formatted("data_dir in " + config)));
        Files.writeString(dir.resolve(".ccrouter"), "x");
        assertThat(run(new ServeCommand(home()), "--port", "0")).isEqualTo(new LedgerCli.Result(2, "",
                "ccrouter: the data directory " + dir.resolve(".ccrouter") + " (the default ~/.ccrouter; "
                        + "CCROUTER_DATA_DIR or --data-dir chooses another) is a file, not a directory\n"));
    }

    /** {@code usage}, which opens (and so creates) the ledger, says it in the same words. */
    @Test
    void usageNamesADataDirectoryThatCannotBeCreated() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThat(run(new UsageCommand(home()), "--data-dir", file.resolve("sub").toString()))
                .isEqualTo(new LedgerCli.Result(2, "", "ccrouter: the data directory " + file.resolve("sub")
                        + " (--data-dir) cannot be created: " + file + " is a file, not a directory\n"));
    }

    /** As a user runs it: the one line on standard error, and nothing else (no stack trace, no driver's words). */
    @Test
    void serveWithADataDirectoryThatIsAFileIsOneLineAndExitTwo() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");

        // no setting of the test's own environment decides (CCROUTER_LEDGER_URL…)
        List<String> err = serveExitingTwo(Map.of("HOME", dir.toString(), "CCROUTER_DATA_DIR", file.toString()),
                "--port", "0");
        assertThat(err).containsExactly("ccrouter: the data directory " + file
                + " (CCROUTER_DATA_DIR) is a file, not a directory");
    }

    @Test
    void serveWithAnUnreachableLedgerDatabaseIsOneLineAndExitTwo() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("ccrouter.yaml"), """
                server:
                  port: 0
                ledger:
                  url: jdbc:postgresql://127.0.0.1:%d/ccrouter?password=hunter2
                """.formatted(closedPort));

        List<String> err = serveExitingTwo(null, "--config", config.toString(), "--data-dir", dir.toString());
        assertThat(err).containsExactly("ccrouter: ledger database jdbc:postgresql://127.0.0.1:" + closedPort
                + "/ccrouter is unreachable: Connection refused (ledger.url; ledger.enabled: false runs without a ledger)");
    }

    /**
     * Runs {@code ccrouter serve} in a process of its own, as a user does, with these arguments and, when one is
     * given, only that environment (else the test's own); it must exit 2. What it printed on standard error, without
     * the JDK's own notes about native access.
     */
    private List<String> serveExitingTwo(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        if (environment != null) {
            builder.environment().clear();
            builder.environment().putAll(environment);
        }
        Process serve = builder.start();
        assertThat(serve.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(serve.exitValue()).isEqualTo(2);
        return Files.readAllLines(dir.resolve("err.txt")).stream().filter(line -> !line.startsWith("WARNING:")).toList();
    }
}
