package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code ccrouter code} with a stand-in {@code claude} that records its arguments and its ANTHROPIC_* / CLAUDE_*
 * environment, against a real gateway: one already running, or one the command starts.
 */
class CodeCommandTest {
    static final String KEY = "sk-or-v1-code-command-test";

    @TempDir
    Path dir;

    Path bin;
    Path dataDir;
    Map<String, String> env;
    StringWriter err;
    RunningGateway gateway;
    Long startedPid;

    @BeforeEach
    void standIns() throws IOException {
        bin = Files.createDirectories(dir.resolve("bin"));
        dataDir = dir.resolve("data");
        writeProgram(bin.resolve("claude"), """
                #!/bin/sh
                printf '%s\\n' "$@" > "$STUB_DIR/claude-args"
                PATH=/usr/bin:/bin
                env | grep -E '^(ANTHROPIC_|CLAUDE_)' | sort > "$STUB_DIR/claude-env"
                exit "${STUB_EXIT:-0}"
                """);
        env = new HashMap<>(Map.of("PATH", bin.toString(), "HOME", dir.toString(), "STUB_DIR", dir.toString(),
                "CCROUTER_DATA_DIR", dataDir.toString(), "OPENROUTER_BASE_URL", "http://127.0.0.1:9/v1"));
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (startedPid != null) {
            ProcessHandle.of(startedPid).ifPresent(process -> {
                process.destroy();
                process.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        }
    }

    private static void writeProgram(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private int code(String... args) {
        return code(question -> Optional.empty(), args);
    }

    private int code(StatusLineOffer.Question question, String... args) {
        err = new StringWriter();
        return new CommandLine(new CodeCommand(env, question)).setErr(new PrintWriter(err)).execute(args);
    }

    private static final String LAUNCHER = "/opt/ccrouter/ccrouter";
    private static final String OURS = """
            "statusLine": {
                "type": "command",
                "command": "/opt/ccrouter/ccrouter statusline"
              }""";

    private Path settingsFile() {
        return dir.resolve(".claude/settings.json");
    }

    @Test
    void offersTheStatusLineOnceAndKeepsEveryOtherSetting() throws Exception {
        runningGateway();
        env.putAll(Map.of("OPENROUTER_API_KEY", KEY, "CCROUTER_LAUNCHER", LAUNCHER));
        Files.createDirectories(settingsFile().getParent());
        Files.writeString(settingsFile(), """
                {"permissions": {"allow": ["Bash(npm test)"]}, "env": {"DISABLE_TELEMETRY": "1"}, "hooks": {}, "model": "opus"}
                """);
        Files.setPosixFilePermissions(settingsFile(), PosixFilePermissions.fromString("rw-r-----"));
        List<String> asked = new ArrayList<>();

        int exit = code(question -> {
            asked.add(question);
            return Optional.of(true);
        });

        assertThat(exit).as(err.toString()).isZero();
        assertThat(asked).containsExactly("ccrouter: show this session's cost, tokens and cache hits in Claude Code's "
                + "status line (sets statusLine in " + settingsFile() + ")? [Y/n] ");
        assertThat(Files.readString(settingsFile())).isEqualTo("""
                {
                  "permissions": {
                    "allow": [
                      "Bash(npm test)"
                    ]
                  },
                  "env": {
                    "DISABLE_TELEMETRY": "1"
                  },
                  "hooks": {},
                  "model": "opus",
                  %s
                }
                """.formatted(OURS));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settingsFile())))
                .as("the file keeps its permissions").isEqualTo("rw-r-----");
        assertThat(err.toString()).startsWith("ccrouter: Claude Code's status line shows this session's cost now");

        asked.clear();
        assertThat(code(question -> {
            asked.add(question);
            return Optional.of(true);
        })).isZero();
        assertThat(asked).as("set already: not asked again").isEmpty();
        assertThat(err.toString()).doesNotContain("status line");
    }

    @Test
    void aNoIsRememberedAndNothingIsWritten() throws Exception {
        runningGateway();
        env.putAll(Map.of("OPENROUTER_API_KEY", KEY, "CCROUTER_LAUNCHER", LAUNCHER));
        List<String> asked = new ArrayList<>();
        StatusLineOffer.Question no = question -> {
            asked.add(question);
            return Optional.of(false);
        };

        assertThat(code(no)).isZero();
        assertThat(code(no)).isZero();

        assertThat(asked).hasSize(1);
        assertThat(settingsFile()).doesNotExist();
        assertThat(code(question -> Optional.empty(), "--statusline")).isZero();
        assertThat(Files.readString(settingsFile())).isEqualTo("{\n  " + OURS + "\n}\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settingsFile())))
                .as("a new settings file is its owner's alone: it may come to hold keys").isEqualTo("rw-------");
    }

    @Test
    void theUsersOwnStatusLineIsKeptUnlessAskedToReplaceIt() throws Exception {
        runningGateway();
        env.putAll(Map.of("OPENROUTER_API_KEY", KEY, "CCROUTER_LAUNCHER", LAUNCHER));
        Path dotfiles = Files.createDirectories(dir.resolve("dotfiles"));
        String theirs = "{\"statusLine\": {\"type\": \"command\", \"command\": \"~/bin/my-line\"}}\n";
        Files.writeString(dotfiles.resolve("settings.json"), theirs);
        Files.createDirectories(settingsFile().getParent());
        Files.createSymbolicLink(settingsFile(), dotfiles.resolve("settings.json"));

        assertThat(code(question -> {
            throw new AssertionError("not to be asked: " + question);
        })).isZero();
        assertThat(code(question -> Optional.empty(), "--no-statusline", "-p", "hi")).isZero();
        assertThat(Files.readString(settingsFile())).isEqualTo(theirs);

        assertThat(code(question -> Optional.empty(), "--statusline", "-p", "hi")).isZero();
        assertThat(claudeArgs()).containsExactly("-p", "hi");
        assertThat(Files.isSymbolicLink(settingsFile())).as("still a link into the dotfiles").isTrue();
        assertThat(Files.readString(dotfiles.resolve("settings.json"))).isEqualTo("{\n  " + OURS + "\n}\n");
    }

    private void runningGateway() {
        gateway = RunningGateway.start("http://127.0.0.1:9/v1", config -> config);
        env.put("CCROUTER_PORT", String.valueOf(gateway.port()));
    }

    private List<String> claudeArgs() throws IOException {
        return Files.readAllLines(dir.resolve("claude-args"));
    }

    private String claudeEnv() throws IOException {
        return Files.readString(dir.resolve("claude-env"));
    }

    @Test
    void everyArgumentGoesToClaudeWhichTalksToTheRunningGateway() throws Exception {
        runningGateway();
        env.putAll(Map.of("OPENROUTER_API_KEY", KEY, "ANTHROPIC_API_KEY", "sk-ant-mine", "ANTHROPIC_MODEL", "kimi-k2.5",
                "ANTHROPIC_DEFAULT_HAIKU_MODEL", "kimi-k2-turbo-preview", "ANTHROPIC_SMALL_FAST_MODEL", "x",
                "ANTHROPIC_DEFAULT_FABLE_MODEL", "kimi-k2.5",
                "ANTHROPIC_CUSTOM_HEADERS", "X-Team: core", "CLAUDE_CODE_MAX_OUTPUT_TOKENS", "8192", "STUB_EXIT", "3"));

        int exit = code("-p", "hello world", "--model", "sonnet", "--", "--help", "--version");

        assertThat(exit).as("claude's own exit status").isEqualTo(3);
        assertThat(claudeArgs()).containsExactly("-p", "hello world", "--model", "sonnet", "--", "--help", "--version");
        assertThat(claudeEnv()).isEqualTo("""
                ANTHROPIC_API_KEY=
                ANTHROPIC_AUTH_TOKEN=%s
                ANTHROPIC_BASE_URL=http://127.0.0.1:%d
                ANTHROPIC_CUSTOM_HEADERS=X-Team: core
                CLAUDE_CODE_MAX_OUTPUT_TOKENS=8192
                """.formatted(KEY, gateway.port()));
        assertThat(err.toString()).isEmpty();
        assertThat(dataDir).as("no second gateway was started").doesNotExist();
    }

    @Test
    void aGatewayStartedElsewhereWithAnotherMappingIsNotUsedAndSaysWhy() throws Exception {
        runningGateway();
        env.putAll(Map.of("OPENROUTER_API_KEY", KEY, "CCROUTER_MODEL_OPUS", "deepseek/deepseek-chat"));

        assertThat(code("-p", "hi")).isEqualTo(1);
        assertThat(err.toString()).isEqualTo("ccrouter: the gateway on http://127.0.0.1:" + gateway.port() + " (pid "
                + ProcessHandle.current().pid() + ") has other settings (opus: anthropic/claude-opus-4.6 → "
                + "deepseek/deepseek-chat) and was not started by ccrouter start or ccrouter code, so it is left "
                + "alone: stop it where it was started, or choose another port with CCROUTER_PORT\n");
        assertThat(dir.resolve("claude-args")).doesNotExist();
    }

    @Test
    void theBackgroundGatewayIsRestartedWhenAnotherUpstreamIsAskedFor() throws Exception {
        int port = freePort();
        env.putAll(Map.of("CCROUTER_PORT", String.valueOf(port), "OPENROUTER_API_KEY", KEY));
        assertThat(code("-p", "hi")).as(() -> err.toString()).isZero();
        startedPid = Long.parseLong(Files.readString(dataDir.resolve("ccrouter.pid")).strip());
        long firstPid = startedPid;

        env.put("OPENROUTER_BASE_URL", "http://127.0.0.1:7/v1");
        assertThat(code("-p", "again")).as(() -> err.toString()).isZero();

        startedPid = Long.parseLong(Files.readString(dataDir.resolve("ccrouter.pid")).strip());
        assertThat(err.toString()).isEqualTo("ccrouter: restarted the gateway on http://127.0.0.1:" + port
                + " with the settings asked for (upstream: http://127.0.0.1:9/v1 → http://127.0.0.1:7/v1): pid "
                + startedPid + ", log " + dataDir.resolve("ccrouter.log") + "\n");
        assertThat(startedPid).isNotEqualTo(firstPid);
        await("the old gateway is gone").atMost(Duration.ofSeconds(5))
                .until(() -> ProcessHandle.of(firstPid).isEmpty());
        assertThat(claudeArgs()).containsExactly("-p", "again");
    }

    @Test
    void anInteractiveSessionEndsWithHowToResumeItThroughTheGateway() throws Exception {
        runningGateway();
        env.put("OPENROUTER_API_KEY", KEY);

        assertThat(code("--model", "opus")).isZero();
        assertThat(err.toString()).isEqualTo("ccrouter: to pick this conversation up again through the gateway: "
                + "ccrouter code --resume (or --continue)\n");

        assertThat(code("--print", "hi")).isZero();
        assertThat(err.toString()).as("a one-shot answer has no conversation to resume").isEmpty();
    }

    @Test
    void claudeCodesOwnHelpOrVersionIsNoSessionToResume() throws Exception {
        runningGateway();
        env.put("OPENROUTER_API_KEY", KEY);

        for (List<String> args : List.of(List.of("--", "--help"), List.of("fix the bug", "-h"),
                List.of("--", "--version"), List.of("--", "-v"))) {
            assertThat(code(args.toArray(String[]::new))).isZero();
            assertThat(err.toString()).as(String.join(" ", args)).isEmpty();
        }
        assertThat(claudeArgs()).containsExactly("-v");
    }

    @Test
    void ownHelpOnlyWhenItComesFirst() throws Exception {
        runningGateway();
        env.put("OPENROUTER_API_KEY", KEY);

        assertThat(code("fix the bug", "--help")).isZero();
        assertThat(claudeArgs()).containsExactly("fix the bug", "--help");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"ANTHROPIC_AUTH_TOKEN, sk-from-token", "ANTHROPIC_API_KEY, sk-from-api-key"})
    void keyMayComeFromWhatClaudeCodeItselfReads(String variable, String key) throws Exception {
        runningGateway();
        env.put(variable, key);

        assertThat(code("-p", "hi")).isZero();
        assertThat(claudeEnv()).contains("ANTHROPIC_AUTH_TOKEN=" + key + "\n", "ANTHROPIC_API_KEY=\n");
    }

    /**
     * Behind {@code auth.keys} the gateway refuses the OpenRouter key (401 on every call): Claude Code gets the
     * gateway key the environment holds, and without one ccrouter code says so before anything starts.
     */
    @Test
    void behindGatewayKeysClaudeCodeGetsAGatewayKeyNotTheOpenRouterKey() throws Exception {
        runningGateway();
        Path config = Files.writeString(dir.resolve("ccrouter.yaml"), """
                auth:
                  keys: ["${TEAM_KEY}", {name: ci, key: "${CI_KEY}"}]
                providers:
                  - name: openrouter
                    preset: openrouter
                    api_keys: ["${OPENROUTER_API_KEY}"]
                """);
        env.putAll(Map.of("CCROUTER_CONFIG", config.toString(), "OPENROUTER_API_KEY", KEY,
                "TEAM_KEY", "gw-team-0123456789", "CI_KEY", "gw-ci-0123456789"));

        assertThat(code("-p", "hi")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ccrouter: this gateway takes only its own keys (auth.keys in " + config
                + "), and none is in ANTHROPIC_AUTH_TOKEN, ANTHROPIC_API_KEY or OPENROUTER_API_KEY: export "
                + "ANTHROPIC_AUTH_TOKEN=<one of them> and run this again\n");

        env.put("ANTHROPIC_API_KEY", "gw-ci-0123456789");
        assertThat(code("-p", "hi")).as(() -> err.toString()).isZero();
        assertThat(claudeEnv()).contains("ANTHROPIC_AUTH_TOKEN=gw-ci-0123456789\n", "ANTHROPIC_API_KEY=\n");
    }

    /**
     * When every route's provider has its own keys or takes none (a local server), no key is forwarded anywhere: Claude
     * Code, which will not start without one, is given a stand-in rather than the user asked to export a key nobody
     * reads. A route whose provider takes the client's key still asks for one.
     */
    @Test
    void noKeyIsAskedForWhenTheRoutesForwardNone() throws Exception {
        runningGateway();
        Path config = Files.writeString(dir.resolve("ccrouter.yaml"), """
                providers:
                  - {name: deepseek, preset: deepseek, api_keys: ["${DEEPSEEK_API_KEY}"]}
                  - {name: local, preset: ollama}
                routes: {default: "deepseek,deepseek-chat", background: "local,qwen3"}
                """);
        env.putAll(Map.of("CCROUTER_CONFIG", config.toString(), "DEEPSEEK_API_KEY", "sk-ds-0123456789"));

        assertThat(code("-p", "hi")).as(() -> err.toString()).isZero();
        assertThat(claudeEnv()).contains("ANTHROPIC_AUTH_TOKEN=no-key-needed\n", "ANTHROPIC_API_KEY=\n");

        Files.writeString(config, """
                providers:
                  - {name: deepseek, preset: deepseek}
                routes: {default: "deepseek,deepseek-chat"}
                """);
        assertThat(code("-p", "hi")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ccrouter: no API key: export OPENROUTER_API_KEY=sk-or-… (or "
                + "ANTHROPIC_AUTH_TOKEN / ANTHROPIC_API_KEY) and run this again\n");
    }

    @Test
    void missingClaudeIsSaidPlainlyWithTheShellsNotFoundStatus() throws Exception {
        env.put("PATH", Files.createDirectories(dir.resolve("empty")).toString());
        env.put("OPENROUTER_API_KEY", KEY);

        assertThat(code("-p", "hi")).isEqualTo(127);
        assertThat(err.toString()).isEqualTo("ccrouter: Claude Code is not installed: npm install -g "
                + "@anthropic-ai/claude-code (or set CCROUTER_CLAUDE_BIN to the claude program)\n");
        assertThat(dataDir).as("no gateway was started for nothing").doesNotExist();
    }

    @Test
    void claudeBinaryChosenByEnvironmentWinsAndMustExist() throws Exception {
        runningGateway();
        env.put("OPENROUTER_API_KEY", KEY);
        Path pinned = dir.resolve("pinned-claude");
        writeProgram(pinned, "#!/bin/sh\necho pinned > \"$STUB_DIR/claude-args\"\n");
        env.put("CCROUTER_CLAUDE_BIN", pinned.toString());

        assertThat(code("-p", "hi")).isZero();
        assertThat(claudeArgs()).containsExactly("pinned");

        env.put("CCROUTER_CLAUDE_BIN", dir.resolve("nowhere").toString());
        assertThat(code("-p", "hi")).isEqualTo(127);
        assertThat(err.toString()).isEqualTo("ccrouter: CCROUTER_CLAUDE_BIN=" + dir.resolve("nowhere")
                + " is not an executable file\n");
    }

    @Test
    void missingKeyIsSaidBeforeAnythingStarts() {
        assertThat(code("-p", "hi")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("ccrouter: no API key: export OPENROUTER_API_KEY=sk-or-… (or "
                + "ANTHROPIC_AUTH_TOKEN / ANTHROPIC_API_KEY) and run this again\n");
        assertThat(dir.resolve("claude-args")).doesNotExist();
        assertThat(dataDir).doesNotExist();
    }

    @Test
    void somethingElseOnThePortIsNotTakenForAGateway() {
        try (FakeUpstream other = FakeUpstream.start()) {
            int port = Integer.parseInt(other.baseUrl().replaceAll(".*:(\\d+).*", "$1"));
            env.put("CCROUTER_PORT", String.valueOf(port));
            env.put("OPENROUTER_API_KEY", KEY);

            assertThat(code("-p", "hi")).isEqualTo(1);
            assertThat(err.toString()).isEqualTo("ccrouter: something other than ccrouter answers on http://127.0.0.1:"
                    + port + " (no 200 from /health): stop it, or choose another port with CCROUTER_PORT\n");
            assertThat(dir.resolve("claude-args")).doesNotExist();
        }
    }

    @Test
    void startsAGatewayWhenNoneAnswersAndLeavesItForTheNextRun() throws Exception {
        int port = freePort();
        env.putAll(Map.of("CCROUTER_PORT", String.valueOf(port), "OPENROUTER_API_KEY", KEY));

        assertThat(code("-p", "hi")).as(() -> err.toString()).isZero();

        Matcher started = Pattern.compile("ccrouter: started a gateway on http://127\\.0\\.0\\.1:" + port
                + " \\(pid (\\d+), log " + Pattern.quote(dataDir.resolve("ccrouter.log").toString())
                + "\\); it keeps running for later sessions: ccrouter stop stops it\n").matcher(err.toString());
        assertThat(started.matches()).as(err.toString()).isTrue();
        startedPid = Long.parseLong(started.group(1));
        assertThat(Files.readString(dataDir.resolve("ccrouter.pid"))).isEqualTo(startedPid + "\n");
        assertThat(claudeEnv()).contains("ANTHROPIC_BASE_URL=http://127.0.0.1:" + port + "\n");
        // The gateway answers /health from the moment it binds; its log writer writes the line it logs just after.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(dataDir.resolve(
                "ccrouter.log"))).contains("ccrouter listening on http://127.0.0.1:" + port));

        assertThat(code("-p", "again")).isZero();
        assertThat(err.toString()).as("the second run finds the first one's gateway").isEmpty();
        assertThat(claudeArgs()).containsExactly("-p", "again");
        assertThat(ProcessHandle.of(startedPid)).hasValueSatisfying(process -> assertThat(process.isAlive()).isTrue());
    }

    /**
     * A data directory that cannot hold the gateway's log is refused as {@code serve} refuses it, naming the setting
     * that chose it, before anything starts: not the JDK's {@code /etc/passwd (FileAlreadyExistsException)}.
     */
    @Test
    void aDataDirectoryThatIsAFileIsNamedWithTheSettingThatChoseIt() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        env.putAll(Map.of("CCROUTER_DATA_DIR", file.toString(), "CCROUTER_PORT", String.valueOf(freePort()),
                "OPENROUTER_API_KEY", KEY));

        assertThat(code("-p", "hi")).isEqualTo(1);

        assertThat(err.toString()).isEqualTo("ccrouter: the data directory " + file
                + " (CCROUTER_DATA_DIR) is a file, not a directory\n");
        assertThat(dir.resolve("claude-args")).doesNotExist();
    }

    @Test
    void gatewayThatCannotStartIsReportedWithTheEndOfItsLog() throws Exception {
        // TEST-NET-1 is no address of this machine: nothing answers there and nothing can listen there.
        env.putAll(Map.of("CCROUTER_HOST", "192.0.2.1", "CCROUTER_PORT", "8787", "OPENROUTER_API_KEY", KEY));

        assertThat(code("-p", "hi")).isEqualTo(1);

        assertThat(err.toString()).startsWith("ccrouter: the gateway stopped while starting (exit 1); from "
                + dataDir.resolve("ccrouter.log") + ":\n--- ")
                .contains("\nccrouter: could not start on 192.0.2.1:8787: cannot listen there: the address is not this "
                        + "machine's\n")
                .doesNotContain("\tat ");
        assertThat(dir.resolve("claude-args")).doesNotExist();
    }

    /**
     * Ctrl-C on the terminal reaches every process of the foreground job: Claude Code, which treats one as "clear the
     * input" or "interrupt the turn" and goes on, and this JVM, which must go on waiting for it rather than end the
     * session (and report 130 instead of Claude Code's own status).
     */
    @Test
    void ctrlCIsClaudeCodesToHandleAndTheSessionGoesOn() throws Exception {
        runningGateway();
        env.put("OPENROUTER_API_KEY", KEY);
        // The terminal's Ctrl-C reaches the whole foreground job: here Claude Code sends it to ccrouter code itself,
        // then goes on with its turn for a second (its pace, as a model's answer takes time) and ends it with 7.
        writeProgram(bin.resolve("claude"), """
                #!/bin/sh
                PATH=/usr/bin:/bin
                trap 'echo TERM >> "$STUB_DIR/signals"; exit 143' TERM
                kill -INT $PPID
                sleep 1
                exit 7
                """);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-Xmx256m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "code", "-p", "hi"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("code-output").toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process code = builder.start();
        try {
            assertThat(code.waitFor(30, TimeUnit.SECONDS)).isTrue();
            // a ccrouter code that shut down on the signal would have exited 130, after waiting for Claude Code
            assertThat(code.exitValue()).as("Claude Code's own status").isEqualTo(7);
            assertThat(dir.resolve("signals")).as("Claude Code was not stopped").doesNotExist();
        } finally {
            code.destroyForcibly();
        }
    }

    @Test
    void anArgumentStartingWithAtGoesToClaudeAsItIs() throws Exception {
        runningGateway();
        env.put("OPENROUTER_API_KEY", KEY);
        Path notes = Files.writeString(dir.resolve("notes.md"), "first line\nsecond line\n");

        assertThat(code("-p", "@" + notes)).isZero();
        assertThat(claudeArgs()).as("Claude Code reads @file mentions itself").containsExactly("-p", "@" + notes);

        assertThat(code("@" + notes)).isZero();
        assertThat(claudeArgs()).containsExactly("@" + notes);
        assertThat(Main.commandLine("code", "-p", "@" + notes).isExpandAtFiles())
                .as("the ccrouter command line expands no @file either").isFalse();
    }

    @Test
    void doubleDashFirstGivesClaudeItsOwnHelp() throws Exception {
        runningGateway();
        env.put("OPENROUTER_API_KEY", KEY);

        assertThat(code("--", "--help")).isZero();
        assertThat(claudeArgs()).containsExactly("--help");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
