package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.SseCapture;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ccrouter start|status|logs|restart|stop} as a user runs them one after another: each starts or stops real
 * gateway processes (this build's classes in a JVM of their own), pointed at fake upstreams on this machine.
 */
class BackgroundGatewayTest {
    static final String BODY = "{\"model\":\"claude-sonnet-5\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @TempDir
    Path dir;

    FakeUpstream first;
    FakeUpstream second;
    Path dataDir;
    int port;
    Map<String, String> env;
    String out;
    String err;

    @BeforeEach
    void environment() throws IOException {
        first = FakeUpstream.start();
        second = FakeUpstream.start();
        dataDir = dir.resolve("data");
        port = freePort();
        env = new HashMap<>(Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString(),
                "CCROUTER_DATA_DIR", dataDir.toString(), "CCROUTER_PORT", String.valueOf(port),
                "OPENROUTER_BASE_URL", first.baseUrl(), "CCROUTER_SHUTDOWN_GRACE_SECONDS", "5"));
    }

    @AfterEach
    void stopEverything() throws IOException {
        Path pidFile = dataDir.resolve("ccrouter.pid");
        if (Files.exists(pidFile)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(gateway -> {
                gateway.destroy();
                gateway.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        }
        first.close();
        second.close();
    }

    @Test
    void startStatusLogsRestartAndStopTheBackgroundGateway() throws Exception {
        String url = "http://127.0.0.1:" + port;
        String log = dataDir.resolve("ccrouter.log").toString();

        assertThat(run(StatusCommand::new)).isEqualTo(BackgroundCommand.NOT_RUNNING);
        assertThat(out).isEqualTo("ccrouter: no gateway answers on " + url + "\n");

        assertThat(run(StartCommand::new)).as(err).isZero();
        long pid = startedPid(out, url, log);
        // its command line as /proc has it (ProcessHandle.Info leaves out the arguments of one this long)
        assertThat(Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline")).split("\0"))
                .as("the heap bound the launcher and a bare java -jar run it with")
                .containsSubsequence(BoundedHeap.FLAGS.toArray(String[]::new));
        first.answer(FakeUpstream.json(200,
                "{\"choices\":[{\"index\":0,\"message\":{\"content\":\"ok\"},\"finish_reason\":\"stop\"}]}"));
        HttpResponse<String> answer = SseCapture.post(url + "/v1/messages", BODY, "x-api-key", "k");
        assertThat(answer.statusCode()).isEqualTo(200);

        assertThat(run(StatusCommand::new)).isZero();
        assertThat(out).matches(Pattern.quote("ccrouter dev is running on " + url + " (pid " + pid
                + ", in the background: ccrouter stop stops it)\n"
                + "  upstream  " + first.baseUrl() + "\n"
                + "  models    opus → anthropic/claude-opus-4.6, sonnet → anthropic/claude-sonnet-4.6, "
                + "haiku → anthropic/claude-haiku-4.5\n"
                + "  uptime    ") + "\\d+ s\n" + Pattern.quote("  requests  1 served\n"
                + "  log       " + log + "\n"));

        assertThat(run(StartCommand::new)).isZero();
        assertThat(out).isEqualTo("ccrouter: a gateway with these settings already runs on " + url + "\n");

        // Both lines are written by then: the request's, and the price fetch's (the fake upstream has no catalog).
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(Path.of(log)).contains(" ccrouter.access ")
                && Files.readString(Path.of(log)).contains("could not read the model catalog"));
        List<String> logLines = Files.readAllLines(Path.of(log));
        assertThat(run(LogsCommand::new, "-n", "1")).isZero();
        assertThat(out).isEqualTo(logLines.getLast() + "\n");
        assertThat(run(LogsCommand::new)).isZero();
        assertThat(out).contains("starting a background gateway on " + url + "\n",
                "ccrouter listening on " + url + " → upstream " + first.baseUrl() + "\n",
                " INFO  ccrouter.access req_", " status=200 model=claude-sonnet-5 ");

        env.put("OPENROUTER_BASE_URL", second.baseUrl());
        assertThat(run(StartCommand::new)).as(err).isZero();
        Matcher restarted = Pattern.compile(Pattern.quote("ccrouter: restarted the gateway on " + url
                + " with the settings asked for (upstream: " + first.baseUrl() + " → " + second.baseUrl() + "): pid ")
                + "(\\d+)" + Pattern.quote(", log " + log) + "\n").matcher(out);
        assertThat(restarted.matches()).as(out).isTrue();
        long restartedPid = Long.parseLong(restarted.group(1));
        assertThat(restartedPid).isNotEqualTo(pid);
        assertGone(pid);

        assertThat(run(RestartCommand::new)).as(err).isZero();
        assertThat(out).startsWith("ccrouter: stopped the background gateway (pid " + restartedPid + ") in ");
        long thirdPid = startedPid(out.lines().skip(1).findFirst().orElseThrow() + "\n", url, log);

        assertThat(run(StopCommand::new)).isZero();
        assertThat(out).matches("ccrouter: stopped the background gateway \\(pid " + thirdPid + "\\) in \\d+ ms\n");
        assertGone(thirdPid);
        assertThat(dataDir.resolve("ccrouter.pid")).doesNotExist();
        assertThat(Files.readString(dataDir.resolve("ccrouter.log")))
                .containsPattern("ccrouter stopped in \\d+ ms: 0 of 0 requests in flight finished, 0 cut off after "
                        + "the 5 s grace period\n");

        assertThat(run(StopCommand::new)).isZero();
        assertThat(out).isEqualTo("ccrouter: no background gateway is running\n");
        assertThat(run(StatusCommand::new)).isEqualTo(BackgroundCommand.NOT_RUNNING);
    }

    /**
     * The gateway {@code ccrouter start} and {@code ccrouter code} run notices a client that leaves while the upstream
     * has not answered, as one started from the jar does: its JVM opens what the jar's manifest opens (the socket poll
     * of server/DepartureProbe), though it is started from the class path, which reads no manifest.
     */
    @Test
    void aClientThatLeavesBeforeTheUpstreamAnswersIsNoticedAtOnce() throws Exception {
        assertThat(run(StartCommand::new)).as(err).isZero();
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        first.answer(FakeUpstream.held(asked, release, FakeUpstream.text("too late")));
        Path log = dataDir.resolve("ccrouter.log");
        try {
            try (Socket client = new Socket("127.0.0.1", port)) {
                byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
                client.getOutputStream().write(("POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Content-Type: application/json\r\nx-api-key: k\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                client.getOutputStream().write(body);
                client.getOutputStream().flush();
                assertThat(asked.await(10, TimeUnit.SECONDS)).as("the upstream was asked").isTrue();
            }
            await("the departure in the access log, the upstream still silent").atMost(Duration.ofSeconds(5))
                    .until(() -> Files.readString(log).contains("client_disconnected=true"));
            assertThat(Files.readString(log)).contains(" status=499 ").doesNotContain("WARNING: A restricted method");
        } finally {
            release.countDown();
        }
    }

    /**
     * The usual case: {@code ccrouter start} (its own process, gone since) left the gateway, which is no child of the
     * {@code ccrouter stop} that ends it. Measured from SIGTERM to the process's exit.
     */
    @Test
    void stoppingAnIdleGatewayThatAnEarlierCommandStartedTakesUnderASecond() throws Exception {
        ProcessBuilder start = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "start")
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        start.environment().clear();
        start.environment().putAll(env);
        Process starter = start.start();
        String started = new String(starter.getInputStream().readAllBytes());
        assertThat(starter.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long pid = startedPid(started, "http://127.0.0.1:" + port, dataDir.resolve("ccrouter.log").toString());

        assertThat(run(StopCommand::new)).isZero();

        Matcher stopped = Pattern.compile("ccrouter: stopped the background gateway \\(pid " + pid
                + "\\) in (\\d+) ms\n").matcher(out);
        assertThat(stopped.matches()).as(out).isTrue();
        assertThat(Long.parseLong(stopped.group(1))).as("SIGTERM to exit, in ms").isLessThan(1000);
    }

    @Test
    void aGatewayStartedElsewhereIsReportedButNeverStopped() throws Exception {
        try (var foreign = dev.ccrouter.testing.RunningGateway.start(first, config -> config)) {
            env.put("CCROUTER_PORT", String.valueOf(foreign.port()));
            String url = "http://127.0.0.1:" + foreign.port();

            assertThat(run(StatusCommand::new)).isZero();
            assertThat(out).startsWith("ccrouter dev is running on " + url + " (pid " + ProcessHandle.current().pid()
                    + ", not started by ccrouter start or ccrouter code)\n").doesNotContain("  log ");

            assertThat(run(StopCommand::new)).isZero();
            assertThat(out).isEqualTo("ccrouter: no background gateway is running; the gateway on " + url + " (pid "
                    + ProcessHandle.current().pid() + ") was not started by ccrouter start or ccrouter code: stop it "
                    + "where it was started\n");

            env.put("OPENROUTER_BASE_URL", second.baseUrl());
            assertThat(run(StartCommand::new)).isEqualTo(1);
            assertThat(err).isEqualTo("ccrouter: the gateway on " + url + " (pid " + ProcessHandle.current().pid()
                    + ") has other settings (upstream: " + first.baseUrl() + " → " + second.baseUrl() + ") and was not "
                    + "started by ccrouter start or ccrouter code, so it is left alone: stop it where it was started, "
                    + "or choose another port with CCROUTER_PORT\n");
        }
    }

    /**
     * A pid file newer than an unrelated process that holds its pid: a data directory copied with {@code cp -r}, or a
     * home shared between machines, where the pid is another machine's. That process is no gateway to stop.
     */
    @Test
    void aPidFileNamingAnotherProgramIsNotBelieved() throws Exception {
        Process other = new ProcessBuilder("sleep", "120").start();
        try {
            Files.createDirectories(dataDir);
            Files.writeString(dataDir.resolve("ccrouter.pid"), other.pid() + "\n");

            assertThat(run(StatusCommand::new)).isEqualTo(BackgroundCommand.NOT_RUNNING);
            assertThat(out).isEqualTo("ccrouter: no gateway answers on http://127.0.0.1:" + port + "\n");
            assertThat(run(StopCommand::new)).isZero();
            assertThat(out).isEqualTo("ccrouter: no background gateway is running\n");
            assertThat(other.isAlive()).isTrue();
        } finally {
            other.destroy();
        }
    }

    /**
     * A host no connection reaches (a name that does not resolve) has no gateway on it, and nothing else either: status
     * says so (exit 3), not that something other than ccrouter holds the port.
     */
    @Test
    void aHostNothingReachesHasNoGatewayRatherThanSomethingElse() {
        env.put("CCROUTER_HOST", "nosuch.invalid");

        assertThat(run(StatusCommand::new)).isEqualTo(3);
        assertThat(out).startsWith("ccrouter: no gateway answers on http://nosuch.invalid:" + port);
    }

    /**
     * A heap or collector the user chose in JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS is left alone, as a bare
     * {@code java -jar} leaves it ({@link BoundedHeap}): the bound given on the command line would override it.
     */
    @Test
    void aHeapChosenInTheEnvironmentIsLeftToTheBackgroundGateway() {
        env.put("JAVA_TOOL_OPTIONS", "-Xmx2g");
        ConfigLoader.Loaded loaded = new ConfigLoader(env).loadWithLedger(ConfigLoader.Flags.NONE);

        assertThat(new LocalGateway(loaded.gateway(), loaded.dataDirectory(), env).serveCommand()).doesNotContain("-Xmx768m", "-XX:+UseSerialGC")
                .containsSubsequence(Main.class.getName(), "serve");

        env.remove("JAVA_TOOL_OPTIONS");
        assertThat(new LocalGateway(loaded.gateway(), loaded.dataDirectory(), env).serveCommand())
                .containsSubsequence(BoundedHeap.FLAGS.toArray(String[]::new));
    }

    /**
     * A data directory that cannot hold the background gateway's log and pid file is refused as {@code serve} refuses
     * it, in one line naming the directory and the setting that chose it, where the JDK's exception named the path
     * alone ({@code could not start a gateway: /etc/passwd (FileAlreadyExistsException)}); exit 1, as for any start
     * that cannot proceed. {@code start} takes no {@code --data-dir}: the default is named with the variable alone.
     */
    @Test
    void aDataDirectoryThatCannotHoldTheGatewayIsNamedWithTheSettingThatChoseIt() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        env.put("CCROUTER_DATA_DIR", file.toString());
        String isAFile = "ccrouter: the data directory " + file + " (CCROUTER_DATA_DIR) is a file, not a directory\n";

        assertThat(run(StartCommand::new)).isEqualTo(1);
        assertThat(err).isEqualTo(isAFile);
        assertThat(out).isEmpty();
        assertThat(run(RestartCommand::new)).isEqualTo(1);
        assertThat(err).isEqualTo(isAFile);

        Path config = Files.writeString(dir.resolve("ccrouter.yaml"), "data_dir: " + file.resolve("sub") + "\n");
        env.remove("CCROUTER_DATA_DIR");
        env.put("CCROUTER_CONFIG", config.toString());
        assertThat(run(StartCommand::new)).isEqualTo(1);
        assertThat(err).isEqualTo("ccrouter: the data directory " + file.resolve("sub") + " (data_dir in " + config
                + ") cannot be created: " + file + " is a file, not a directory\n");

        env.remove("CCROUTER_CONFIG");
        Files.writeString(dir.resolve(".ccrouter"), "x");
        assertThat(run(StartCommand::new)).isEqualTo(1);
        assertThat(err).isEqualTo("ccrouter: the data directory " + dir.resolve(".ccrouter") + " (the default "
                + "~/.ccrouter; CCROUTER_DATA_DIR chooses another) is a file, not a directory\n");
    }

    /** A data directory the user may not write to: the JDK's exception names the file and nothing else. */
    @Test
    void aFileTheGatewayMayNotWriteIsSaidSo() {
        assertThat(LocalGateway.describe(new java.nio.file.AccessDeniedException("/srv/ccrouter/ccrouter.log")))
                .isEqualTo("/srv/ccrouter/ccrouter.log: permission denied");
        assertThat(LocalGateway.describe(new java.nio.file.NoSuchFileException("/srv/ccrouter")))
                .isEqualTo("/srv/ccrouter: no such file or directory");
        assertThat(LocalGateway.describe(new java.nio.file.FileSystemException("/dev/null/x", null, "Not a directory")))
                .isEqualTo("/dev/null/x: Not a directory");
    }

    @Test
    void statusShowsUptimeInUnitsAPersonReads() {
        assertThat(StatusCommand.readable(Duration.ofSeconds(42))).isEqualTo("42 s");
        assertThat(StatusCommand.readable(Duration.ofSeconds(185))).isEqualTo("3 min 5 s");
        assertThat(StatusCommand.readable(Duration.ofSeconds(7_620))).isEqualTo("2 h 07 min");
        assertThat(StatusCommand.readable(Duration.ofSeconds(273_600))).isEqualTo("3 d 4 h");
    }

    @Test
    void aGatewayWhoseFileWasEditedIntoABrokenOneCanStillBeAskedAfterAndStopped() throws Exception {
        String url = "http://127.0.0.1:" + port;
        Path file = dir.resolve("ccrouter.yaml");
        Files.writeString(file, "# the user's settings\n");
        env.put("CCROUTER_CONFIG", file.toString());
        assertThat(run(StartCommand::new)).as(err).isZero();
        long pid = startedPid(out, url, dataDir.resolve("ccrouter.log").toString());

        Files.writeString(file, "server: [port\n"); // the running gateway keeps its settings; the file is refused
        String fallback = "ccrouter: going on without that file: data directory " + dataDir + ", port " + port
                + " (the environment's and the defaults')\n";
        assertThat(run(StartCommand::new)).isEqualTo(2);
        assertThat(err).startsWith("ccrouter: ").doesNotContain("going on");
        assertThat(run(StatusCommand::new)).isZero();
        assertThat(err).startsWith("ccrouter: ").endsWith(fallback);
        assertThat(out).startsWith("ccrouter dev is running on " + url + " (pid " + pid + ", in the background");
        assertThat(run(StopCommand::new)).isZero();
        assertThat(err).endsWith(fallback);
        assertThat(out).matches("ccrouter: stopped the background gateway \\(pid " + pid + "\\) in \\d+ ms\n");
        assertGone(pid);
    }

    /** Exited and reaped: an exited child stays a zombie until the JDK's reaper thread collects it, moments later. */
    private static void assertGone(long pid) {
        await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.of(pid).isEmpty());
    }

    private static long startedPid(String output, String url, String log) {
        Matcher started = Pattern.compile(Pattern.quote("ccrouter: started a gateway on " + url + " (pid ") + "(\\d+)"
                + Pattern.quote(", log " + log + "); it keeps running for later sessions: ccrouter stop stops it")
                + "\n").matcher(output);
        assertThat(started.matches()).as(output).isTrue();
        return Long.parseLong(started.group(1));
    }

    private int run(Function<Map<String, String>, Callable<Integer>> command, String... args) {
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int exit = new CommandLine(command.apply(env)).setOut(new PrintWriter(stdout)).setErr(new PrintWriter(stderr))
                .execute(args);
        out = stdout.toString();
        err = stderr.toString();
        return exit;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
