package dev.ccrouter.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The installer's other duties and its ways in: installing Node.js and Claude Code with the stand-ins of
 * {@link InstallerSandbox}, refusing bad input before it changes anything, {@code curl … | bash}, and the questions it
 * asks on a terminal.
 */
class InstallerSetupTest extends InstallerRuns {

    @BeforeEach
    void key() {
        sandbox.env("CCROUTER_KEY", KEY);
    }

    @Test
    void missingNodeIsInstalledWithAptGetThroughAVisibleSudo() throws Exception {
        sandbox.aptGet("v18.19.1").npm().claude();

        InstallerSandbox.Run run = sandbox.run(script);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(sandbox.calls()).containsSubsequence("sudo apt-get update", "apt-get update",
                "sudo apt-get install -y nodejs npm", "apt-get install -y nodejs npm", "node --version");
        assertThat(run.stdout()).contains("""
                ==> Node.js is not installed: Claude Code needs version 18 or newer
                ==> Installing Node.js with apt-get (the distribution's package)
                    (needs root: sudo may ask for your password)
                    $ sudo apt-get update
                    (needs root: sudo may ask for your password)
                    $ sudo apt-get install -y nodejs npm
                ==> Node.js v18.19.1 is installed
                """);
    }

    @Test
    void rootInstallsNodeWithoutSudo() throws Exception {
        sandbox.aptGet("v20.11.1").npm().claude().env("STUB_UID", "0");

        InstallerSandbox.Run run = sandbox.run(script);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(sandbox.calls()).containsSubsequence("apt-get update", "apt-get install -y nodejs npm")
                .noneMatch(call -> call.startsWith("sudo"));
    }

    @Test
    void tooOldNodeWithNothingToInstallWithStopsBeforeAnyChange() throws Exception {
        sandbox.node("v16.20.2").npm().claude();

        InstallerSandbox.Run run = sandbox.run(script);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stdout()).contains("==> Node.js v16.20.2 is too old: Claude Code needs 18 or newer\n");
        assertThat(run.stderr()).isEqualTo("ccrouter install: Node.js 18+ is needed and no apt-get, dnf or brew was "
                + "found to install it: install it from https://nodejs.org (or with nvm), then run this again (or pass "
                + "--skip-node)\n");
        assertThat(sandbox.homeFiles()).isEmpty();
    }

    @Test
    void distributionNodeThatIsStillTooOldIsReported() throws Exception {
        sandbox.aptGet("v12.22.9").npm().claude().env("STUB_UID", "0");

        InstallerSandbox.Run run = sandbox.run(script);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).isEqualTo("ccrouter install: Node.js 18+ is still missing (found: v12.22.9); the "
                + "system's package may be too old. Install a current one from https://nodejs.org (or with nvm) and "
                + "run this again.\n");
    }

    @Test
    void missingClaudeCodeIsInstalledWithNpm() throws Exception {
        sandbox.node("v22.3.0").npm();

        InstallerSandbox.Run run = sandbox.run(script);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(sandbox.calls()).containsSubsequence("npm prefix -g",
                "npm install -g @anthropic-ai/claude-code@2.1.332", "claude --version");
        assertThat(run.stdout()).contains("""
                ==> Installing Claude Code 2.1.332 (npm install -g @anthropic-ai/claude-code@2.1.332)
                    $ npm install -g @anthropic-ai/claude-code@2.1.332
                ==> Claude Code is installed: 2.1.332 (Claude Code)
                """);
    }

    @Test
    void anotherClaudeCodeVersionCanBeAskedFor() throws Exception {
        sandbox.node("v22.3.0").npm();

        InstallerSandbox.Run run = sandbox.run(script, "--claude-version", "latest");
        InstallerSandbox.Run bad = sandbox.run(script, "--claude-version", "2.1; rm -rf ~");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(sandbox.calls()).contains("npm install -g @anthropic-ai/claude-code@latest");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.stderr()).isEqualTo("ccrouter install: --claude-version must be a version such as 2.1.332, "
                + "or latest\n");
    }

    static Stream<Arguments> skips() {
        return Stream.of(
                Arguments.of(List.of("--skip-node", "--skip-claude"), Map.of()),
                Arguments.of(List.of(), Map.of("CCROUTER_SKIP_NODE", "1", "CCROUTER_SKIP_CLAUDE", "1")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("skips")
    void skipsLeaveNodeAndClaudeAlone(List<String> args, Map<String, String> env) throws Exception {
        env.forEach(sandbox::env);

        InstallerSandbox.Run run = sandbox.run(script, args.toArray(String[]::new));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(sandbox.calls()).containsExactly("uname -s");
        assertThat(run.stdout()).startsWith("""
                ==> Not checking Node.js (--skip-node)
                ==> Not installing Claude Code (--skip-claude)
                """);
        assertThat(sandbox.homeFiles()).containsExactly(".bashrc", ".claude.json", ".config/ccrouter/keys.sh");
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of(List.of("--provider", "openai"), Map.of(),
                        "unknown provider 'openai': use gateway, moonshot or moonshot-cn"),
                Arguments.of(List.of(), Map.of("CCROUTER_KEY", ""),
                        "no API key, and stdin is not a terminal to ask on. Run: curl -fsSL " + url + "/install.sh | "
                                + "CCROUTER_KEY=<your OpenRouter API key (https://openrouter.ai/keys)> bash -s -- --yes\n"
                                + "  or interactively: bash -c \"$(curl -fsSL " + url + "/install.sh)\""),
                Arguments.of(List.of("--yes"), Map.of("CCROUTER_KEY", ""),
                        "no API key: --yes means no questions, so pass it as CCROUTER_KEY=… (or --key)"),
                Arguments.of(List.of("--url", "http://gw.example.com/$(id)"), Map.of(),
                        "--url / CCROUTER_URL is not a plain http(s) URL: use the form https://ccrouter.example.com"),
                Arguments.of(List.of(), Map.of("CCROUTER_URL", "gw.example.com"),
                        "--url / CCROUTER_URL is not a plain http(s) URL: use the form https://ccrouter.example.com"),
                Arguments.of(List.of("--key", "sk-or-v1 secret with spaces"), Map.of(),
                        "the API key does not look like one: 8 to 512 letters, digits or . _ ~ + / = -"),
                Arguments.of(List.of("--model", "x;rm -rf ~"), Map.of(),
                        "Main model 'x;rm -rf ~' is not a model id: letters, digits and . _ ~ : @ + / - (for example "
                                + "claude-opus-4-6)"),
                Arguments.of(List.of("--provider", "moonshot", "--small-model", "kimi k2"), Map.of(),
                        "Small/fast model 'kimi k2' is not a model id: letters, digits and . _ ~ : @ + / - (for example "
                                + "kimi-k2-turbo-preview)"),
                Arguments.of(List.of("--frobnicate"), Map.of(), "unknown option --frobnicate (see --help)"),
                Arguments.of(List.of("sk-or-v1-stray-secret-value"), Map.of(),
                        "unexpected argument (not shown, in case it is a key): values go after an option such as "
                                + "--key (see --help)"),
                Arguments.of(List.of("--key"), Map.of(), "--key needs a value (see --help)"),
                Arguments.of(List.of("--shell-rc", "/"), Map.of(),
                        "--shell-rc / is a directory; give the rc file itself"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badInput")
    void badInputExitsWithTwoAndChangesNothing(List<String> args, Map<String, String> env, String message)
            throws Exception {
        sandbox.node("v20.11.1").npm().claude();
        env.forEach(sandbox::env);

        InstallerSandbox.Run run = sandbox.run(script, args.toArray(String[]::new));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).isEqualTo("ccrouter install: " + message + "\n");
        assertThat(run.stdout()).isEmpty();
        assertThat(sandbox.homeFiles()).isEmpty();
        assertThat(sandbox.calls()).isEmpty();
        assertThat(run.output()).doesNotContain("secret", "stray");
    }

    @Test
    void helpNamesTheInstance() throws Exception {
        InstallerSandbox.Run run = sandbox.run(script, "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).startsWith("ccrouter installer: Claude Code through " + url + " (or Moonshot).\n")
                .contains("curl -fsSL " + url + "/install.sh | bash -s -- [options]");
        assertThat(sandbox.homeFiles()).isEmpty();
    }

    /**
     * The "done", in the words of the landing page: {@code curl … | OPENROUTER_API_KEY=… bash} in a fresh HOME
     * leaves a configuration pointing at this instance.
     */
    @Test
    void curlPipedToBashConfiguresThisInstance() throws Exception {
        Assumptions.assumeTrue(Files.exists(sandbox.tools.resolve("curl")), "curl is not installed here");
        sandbox.node("v20.11.1").npm().claude().env("CCROUTER_KEY", "");
        String bash = sandbox.tools.resolve("bash").toString();

        InstallerSandbox.Run run = sandbox.run(List.of(bash, "-c",
                "curl -fsSL " + url + "/install.sh | OPENROUTER_API_KEY=" + KEY + " bash"));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.stdout()).contains("==> The gateway answers at " + url + "\n");
        assertThat(Files.readAllLines(sandbox.home.resolve(".bashrc"))).contains("export ANTHROPIC_BASE_URL='" + url + "'");
        assertThat(Files.readAllLines(sandbox.home.resolve(".config/ccrouter/keys.sh")))
                .contains("export OPENROUTER_API_KEY='" + KEY + "'");
        assertThat(Files.readString(sandbox.home.resolve(".claude.json"))).isEqualTo("{\n  \"hasCompletedOnboarding\": true\n}\n");
        assertThat(run.output()).doesNotContain(KEY);

        InstallerSandbox.Run withoutKey = sandbox.run(List.of(bash, "-c",
                "curl -fsSL " + url + "/install.sh | bash"));
        assertThat(withoutKey.exitCode()).isEqualTo(2);
        assertThat(withoutKey.stderr()).startsWith("ccrouter install: no API key, and stdin is not a terminal to ask on.");
    }

    /**
     * {@code bash -c "$(curl …)"} on a terminal asks its questions. util-linux {@code script} gives the installer a
     * pseudo-terminal; the answers are typed ahead, so the terminal echoes them (the real prompt hides the key).
     */
    @Test
    void onATerminalItAsksAndRepeatsQuestionsUntilTheAnswersAreGood() throws Exception {
        sandbox.node("v20.11.1").npm().claude().env("CCROUTER_KEY", "");
        String key = "sk-moonshot0123456789abcdefABCDEF";

        InstallerSandbox.Run run = onATerminal("7\n2\nnot a key\n" + key + "\n\nkimi-k2-thinking-turbo\ny\n");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.stdout()).contains("Choice [1]: Please answer 1, 2 or 3.",
                "That does not look like an API key", "Main model [kimi-k2.5]: Small/fast model [kimi-k2-turbo-preview]: ",
                "  key               sk-moo…CDEF\r\n", "Go ahead? [Y/n] ");
        assertThat(Files.readAllLines(sandbox.home.resolve(".config/ccrouter/keys.sh")))
                .contains("export MOONSHOT_API_KEY='" + key + "'");
        assertThat(Files.readAllLines(sandbox.home.resolve(".bashrc"))).contains(
                "export ANTHROPIC_BASE_URL='https://api.moonshot.ai/anthropic'",
                "export ANTHROPIC_MODEL='kimi-k2.5'",
                "export ANTHROPIC_DEFAULT_HAIKU_MODEL='kimi-k2-thinking-turbo'");
    }

    @Test
    void onATerminalAnsweringNoChangesNothing() throws Exception {
        sandbox.node("v20.11.1").npm().claude();

        InstallerSandbox.Run run = onATerminal("\n\n\n\nn\n");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stdout()).contains("ccrouter install: stopped; nothing was changed");
        assertThat(sandbox.homeFiles()).isEmpty();
    }

    @Test
    void onATerminalItOffersTheStatusLineAndKeepsOneTheUserSet() throws Exception {
        sandbox.node("v20.11.1").npm().claude();
        Path settings = Files.createDirectories(sandbox.home.resolve(".claude")).resolve("settings.json");
        String theirs = "{\"model\":\"opus\",\"statusLine\":{\"type\":\"command\",\"command\":\"~/bin/mine\"}}";
        Files.writeString(settings, theirs);

        InstallerSandbox.Run run = onATerminal("\n\n\n\n\n");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.stdout()).contains("Show each session's cost in Claude Code's status line (statusLine in "
                        + "~/.claude/settings.json)? [Y/n] ",
                "  status line       curl -sf --max-time 2 -H 'content-type: application/json' --data-binary @- "
                        + url + "/statusline\r\n",
                "==> Kept the status line already set in " + settings + " (--statusline replaces it)");
        assertThat(Files.readString(settings)).isEqualTo(theirs);
        assertThat(sandbox.homeFiles()).noneMatch(file -> file.startsWith(".claude/settings.json.ccrouter-backup-"));
    }

    @Test
    void onATerminalTheStatusLineIsSetWhenNoneIs() throws Exception {
        sandbox.node("v20.11.1").npm().claude();

        InstallerSandbox.Run run = onATerminal("\n\n\n\n\n");

        assertThat(run.exitCode()).as(run.output()).isZero();
        Path settings = sandbox.home.resolve(".claude/settings.json");
        assertThat(Files.readString(settings)).isEqualTo("""
                {
                  "statusLine": {
                    "type": "command",
                    "command": "curl -sf --max-time 2 -H 'content-type: application/json' --data-binary @- %s/statusline"
                  }
                }
                """.formatted(url));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings)))
                .as("a new settings file is private: it may come to hold keys").isEqualTo("rw-------");
    }

    /** The installer on a pseudo-terminal (util-linux {@code script}), with these answers typed ahead. */
    private InstallerSandbox.Run onATerminal(String answers) throws Exception {
        Optional<Path> pty = InstallerSandbox.find("script").filter(InstallerSetupTest::isUtilLinuxScript);
        Assumptions.assumeTrue(pty.isPresent(), "util-linux script (a pseudo-terminal for tests) is not installed");
        return sandbox.run(List.of(pty.get().toString(), "-qec", sandbox.tools.resolve("bash") + " " + script,
                "/dev/null"), answers);
    }

    private static boolean isUtilLinuxScript(Path program) {
        try {
            Process version = new ProcessBuilder(program.toString(), "--version").redirectErrorStream(true).start();
            String text = new String(version.getInputStream().readAllBytes());
            return version.waitFor() == 0 && text.contains("util-linux");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void shellcheckFindsNothing() throws Exception {
        Optional<Path> shellcheck = InstallerSandbox.find("shellcheck");
        Assumptions.assumeTrue(shellcheck.isPresent(), "shellcheck is not installed here");

        InstallerSandbox.Run run = sandbox.run(List.of(shellcheck.get().toString(), "--shell=bash", script.toString()));

        assertThat(run.exitCode()).as(run.output()).isZero();
    }
}
