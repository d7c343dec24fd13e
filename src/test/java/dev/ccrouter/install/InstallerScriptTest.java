package dev.ccrouter.install;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The installer as served by a running gateway, run non-interactively in an {@link InstallerSandbox}: what it writes
 * to the shell's rc file and to {@code ~/.claude.json}, what it installs, and how it refuses bad input.
 */
class InstallerScriptTest extends InstallerRuns {
    static final String MOONSHOT_KEY = "sk-moonshot0123456789abcdefABCDEF";
    static final ObjectMapper JSON = new ObjectMapper();
    /** The block for the gateway with default models, in bash/zsh/sh syntax; formatted with the URL and the home. */
    static final String GATEWAY_BLOCK = """
            # >>> ccrouter >>>
            # Claude Code → the ccrouter gateway at %1$s, with an OpenRouter key.
            # Written by %1$s/install.sh; run it again to change this block, or delete the block (both marker
            # lines included) to undo.
            [ -r '%2$s/.config/ccrouter/keys.sh' ] && . '%2$s/.config/ccrouter/keys.sh'
            export ANTHROPIC_BASE_URL='%1$s'
            export ANTHROPIC_AUTH_TOKEN="$OPENROUTER_API_KEY"
            export ANTHROPIC_API_KEY=''
            export ANTHROPIC_MODEL='claude-opus-4-6'
            export ANTHROPIC_DEFAULT_HAIKU_MODEL='claude-haiku-4-5'
            export ANTHROPIC_SMALL_FAST_MODEL='claude-haiku-4-5'
            # <<< ccrouter <<<
            """;

    /** The block for Moonshot (global) with default models, in bash/zsh/sh syntax; formatted with URL and home. */
    static final String MOONSHOT_BLOCK = """
            # >>> ccrouter >>>
            # Claude Code → Moonshot (global), https://api.moonshot.ai/anthropic.
            # Written by %1$s/install.sh; run it again to change this block, or delete the block (both marker
            # lines included) to undo.
            [ -r '%2$s/.config/ccrouter/keys.sh' ] && . '%2$s/.config/ccrouter/keys.sh'
            export ANTHROPIC_BASE_URL='https://api.moonshot.ai/anthropic'
            export ANTHROPIC_AUTH_TOKEN="$MOONSHOT_API_KEY"
            export ANTHROPIC_API_KEY=''
            export ANTHROPIC_MODEL='kimi-k2.5'
            export ANTHROPIC_DEFAULT_HAIKU_MODEL='kimi-k2-turbo-preview'
            export ANTHROPIC_SMALL_FAST_MODEL='kimi-k2-turbo-preview'
            # <<< ccrouter <<<
            """;

    static final String KEY_FILE_HEADER =
            "# API keys for Claude Code, read by the ccrouter block of your shell's rc file. Keep this file private.\n";

    @BeforeEach
    void standIns() throws IOException {
        sandbox.node("v20.11.1").npm().claude();
    }

    @Test
    void servedScriptPointsAtTheInstanceItCameFrom() throws IOException {
        assertThat(Files.readAllLines(script)).contains("INSTANCE_URL='" + url + "'");
    }

    @Test
    void gatewayConfigurationForBash() throws Exception {
        InstallerSandbox.Run run = sandbox.env("CCROUTER_KEY", KEY).run(script);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(Files.readString(sandbox.home.resolve(".bashrc"))).isEqualTo(GATEWAY_BLOCK.formatted(url, sandbox.home));
        Path keys = sandbox.home.resolve(".config/ccrouter/keys.sh");
        assertThat(Files.readString(keys)).isEqualTo(KEY_FILE_HEADER + "export OPENROUTER_API_KEY='" + KEY + "'\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.getParent()))).isEqualTo("rwx------");
        assertThat(Files.readString(sandbox.home.resolve(".claude.json"))).isEqualTo("{\n  \"hasCompletedOnboarding\": true\n}\n");
        assertThat(sandbox.homeFiles()).containsExactly(".bashrc", ".claude.json", ".config/ccrouter/keys.sh");
        assertThat(sandbox.calls()).containsExactly("uname -s", "node --version", "node --version", "claude --version");
        assertThat(run.stdout()).contains("==> The gateway answers at " + url + "\n")
                .contains("  key sk-or-…cdef in $OPENROUTER_API_KEY (kept in " + keys + "), main model claude-opus-4-6, "
                        + "small/fast model claude-haiku-4-5.\n")
                .contains("  source " + sandbox.home.resolve(".bashrc") + "\n");
        assertThat(run.output()).doesNotContain(KEY);
    }

    @Test
    void claudeSettingsModeConfiguresClaudeCodeAloneInItsPrivateSettingsFile() throws Exception {
        Path settings = Files.createDirectories(sandbox.home.resolve(".claude")).resolve("settings.json");
        Files.writeString(settings, "{\"permissions\":{\"allow\":[\"Bash(ls)\"]},\"env\":{\"DISABLE_TELEMETRY\":\"1\"}}");

        InstallerSandbox.Run run = sandbox.env("CCROUTER_KEY", KEY).run(script, "--claude-settings");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(JSON.readTree(settings.toFile())).isEqualTo(JSON.readTree("""
                {"permissions": {"allow": ["Bash(ls)"]},
                 "env": {"DISABLE_TELEMETRY": "1", "ANTHROPIC_BASE_URL": "%s", "ANTHROPIC_AUTH_TOKEN": "%s",
                         "ANTHROPIC_API_KEY": "", "ANTHROPIC_MODEL": "claude-opus-4-6",
                         "ANTHROPIC_DEFAULT_HAIKU_MODEL": "claude-haiku-4-5", "ANTHROPIC_SMALL_FAST_MODEL": "claude-haiku-4-5"}}
                """.formatted(url, KEY)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings))).isEqualTo("rw-------");
        List<String> files = sandbox.homeFiles();
        assertThat(files).as("no rc file, no key file: the shell sees nothing").hasSize(3)
                .contains(".claude.json", ".claude/settings.json")
                .anySatisfy(file -> assertThat(file).startsWith(".claude/settings.json.ccrouter-backup-"));
        assertThat(run.stdout()).contains("Start claude: it reads these settings itself; other programs and your shell "
                + "see none of them.\n");
        assertThat(run.output()).doesNotContain(KEY);
    }

    @Test
    void statuslineOptionSetsClaudeCodesStatusLineToTheGatewayKeepingOtherSettings() throws Exception {
        Path settings = Files.createDirectories(sandbox.home.resolve(".claude")).resolve("settings.json");
        Files.writeString(settings, """
                {"permissions":{"allow":["Bash(ls)"]},"statusLine":{"type":"command","command":"~/bin/mine"}}""");
        Files.setPosixFilePermissions(settings, PosixFilePermissions.fromString("rw-r--r--"));

        InstallerSandbox.Run run = sandbox.env("CCROUTER_KEY", KEY).run(script, "--statusline");

        assertThat(run.exitCode()).as(run.output()).isZero();
        String command = "curl -sf --max-time 2 -H 'content-type: application/json' --data-binary @- " + url
                + "/statusline";
        assertThat(JSON.readTree(settings.toFile())).as("asked to: the user's own status line is replaced")
                .isEqualTo(JSON.createObjectNode().<ObjectNode>set("permissions", JSON.readTree("{\"allow\":[\"Bash(ls)\"]}"))
                        .set("statusLine", JSON.createObjectNode().put("type", "command").put("command", command)));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings))).isEqualTo("rw-r--r--");
        assertThat(run.stdout()).contains("==> Claude Code's status line shows each session's cost (" + settings
                + "; backup: " + settings + ".ccrouter-backup-");
        assertThat(sandbox.homeFiles()).contains(".bashrc", ".claude.json", ".claude/settings.json");

        InstallerSandbox.Run line = sandbox.run(List.of(sandbox.tools.resolve("bash").toString(), "-c", command),
                "{\"session_id\":\"nothing-recorded\"}");
        assertThat(line.stdout()).as("the command answers, from the gateway that served the script")
                .isEqualTo("ccrouter · session $0.0000 · 0 tokens · today $0.0000\n");
    }

    @Test
    void statuslineIsNotOfferedForAGatewayElsewhereNorWithoutBeingAsked() throws Exception {
        InstallerSandbox.Run remote = sandbox.env("CCROUTER_KEY", KEY)
                .run(script, "--statusline", "--url", "https://ccrouter.example.com");

        assertThat(remote.exitCode()).as(remote.output()).isZero();
        assertThat(remote.stderr()).contains("ccrouter install: warning: --statusline: only a gateway on this machine "
                + "answers the status line, not https://ccrouter.example.com\n");
        assertThat(sandbox.home.resolve(".claude/settings.json")).doesNotExist();

        InstallerSandbox.Run quiet = sandbox.run(script);
        assertThat(quiet.exitCode()).as(quiet.output()).isZero();
        assertThat(sandbox.home.resolve(".claude/settings.json")).as("curl … | bash asks nothing, sets nothing")
                .doesNotExist();
    }

    @Test
    void writtenConfigurationReachesClaudeThroughBash() throws Exception {
        assertThat(sandbox.env("CCROUTER_KEY", KEY).run(script).exitCode()).isZero();

        InstallerSandbox.Run shell = sandbox.run(List.of(sandbox.tools.resolve("bash").toString(), "-c",
                "source ~/.bashrc && claude -p hi"));

        assertThat(shell.exitCode()).as(shell.output()).isZero();
        assertThat(sandbox.claudeEnvironment()).isEqualTo("""
                ANTHROPIC_API_KEY=
                ANTHROPIC_AUTH_TOKEN=%s
                ANTHROPIC_BASE_URL=%s
                ANTHROPIC_DEFAULT_HAIKU_MODEL=claude-haiku-4-5
                ANTHROPIC_MODEL=claude-opus-4-6
                ANTHROPIC_SMALL_FAST_MODEL=claude-haiku-4-5
                """.formatted(KEY, url));
    }

    static Stream<Arguments> shells() {
        return Stream.of(
                Arguments.of("/usr/bin/zsh", "--provider=moonshot", ".zshrc", MOONSHOT_BLOCK),
                Arguments.of("/usr/local/bin/fish", "--provider=moonshot-cn", ".config/fish/config.fish", """
                        # >>> ccrouter >>>
                        # Claude Code → Moonshot (China), https://api.moonshot.cn/anthropic.
                        # Written by %1$s/install.sh; run it again to change this block, or delete the block (both marker
                        # lines included) to undo.
                        test -r '%2$s/.config/ccrouter/keys.fish'; and source '%2$s/.config/ccrouter/keys.fish'
                        set -gx ANTHROPIC_BASE_URL 'https://api.moonshot.cn/anthropic'
                        set -gx ANTHROPIC_AUTH_TOKEN $MOONSHOT_API_KEY
                        set -gx ANTHROPIC_API_KEY ''
                        set -gx ANTHROPIC_MODEL 'kimi-k2.5'
                        set -gx ANTHROPIC_DEFAULT_HAIKU_MODEL 'kimi-k2-turbo-preview'
                        set -gx ANTHROPIC_SMALL_FAST_MODEL 'kimi-k2-turbo-preview'
                        # <<< ccrouter <<<
                        """),
                Arguments.of("/bin/dash", "--provider=gateway", ".profile", GATEWAY_BLOCK));
    }

    @ParameterizedTest(name = "SHELL={0} {1} → ~/{2}")
    @MethodSource("shells")
    void eachShellGetsItsOwnRcFileAndSyntax(String shell, String provider, String rcFile, String block) throws Exception {
        String key = provider.contains("moonshot") ? MOONSHOT_KEY : KEY;
        InstallerSandbox.Run run = sandbox.env("SHELL", shell).env("CCROUTER_KEY", key).run(script, provider);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(Files.readString(sandbox.home.resolve(rcFile))).isEqualTo(block.formatted(url, sandbox.home));
        String keyFile = rcFile.endsWith(".fish") ? ".config/ccrouter/keys.fish" : ".config/ccrouter/keys.sh";
        assertThat(Files.readString(sandbox.home.resolve(keyFile))).isEqualTo(KEY_FILE_HEADER + (rcFile.endsWith(".fish")
                ? "set -gx MOONSHOT_API_KEY '" + key + "'\n"
                : "export " + (provider.contains("moonshot") ? "MOONSHOT" : "OPENROUTER") + "_API_KEY='" + key + "'\n"));
        assertThat(sandbox.homeFiles()).containsExactlyInAnyOrder(".claude.json", rcFile, keyFile);
        assertThat(run.output()).doesNotContain(key);
    }

    @Test
    void flagsChooseModelsAndAnExplicitRcFileAndCanWriteTheSwitchingAliases() throws Exception {
        Path rc = sandbox.home.resolve("my.rc");
        InstallerSandbox.Run run = sandbox.run(script, "--provider", "moonshot", "--key", MOONSHOT_KEY, "--model",
                "kimi-k2-thinking", "--small-model=kimi-k2-turbo-preview", "--shell-rc", rc.toString(), "--aliases",
                "--yes");

        assertThat(run.exitCode()).as(run.output()).isZero();
        String aliases = """
                alias cc-openrouter='env ANTHROPIC_BASE_URL="%1$s" ANTHROPIC_AUTH_TOKEN="$OPENROUTER_API_KEY" \
                ANTHROPIC_API_KEY= ANTHROPIC_MODEL="claude-opus-4-6" \
                ANTHROPIC_DEFAULT_HAIKU_MODEL="claude-haiku-4-5" \
                ANTHROPIC_SMALL_FAST_MODEL="claude-haiku-4-5" claude'
                alias cc-moonshot='env ANTHROPIC_BASE_URL="https://api.moonshot.ai/anthropic" \
                ANTHROPIC_AUTH_TOKEN="$MOONSHOT_API_KEY" ANTHROPIC_API_KEY= ANTHROPIC_MODEL="kimi-k2-thinking" \
                ANTHROPIC_DEFAULT_HAIKU_MODEL="kimi-k2-turbo-preview" ANTHROPIC_SMALL_FAST_MODEL="kimi-k2-turbo-preview" claude'
                alias cc-moonshot-cn='env ANTHROPIC_BASE_URL="https://api.moonshot.cn/anthropic" \
                ANTHROPIC_AUTH_TOKEN="$MOONSHOT_API_KEY" ANTHROPIC_API_KEY= ANTHROPIC_MODEL="kimi-k2-thinking" \
                ANTHROPIC_DEFAULT_HAIKU_MODEL="kimi-k2-turbo-preview" ANTHROPIC_SMALL_FAST_MODEL="kimi-k2-turbo-preview" claude'
                alias cc-anthropic='env -u ANTHROPIC_BASE_URL -u ANTHROPIC_AUTH_TOKEN -u ANTHROPIC_API_KEY \
                -u ANTHROPIC_MODEL -u ANTHROPIC_DEFAULT_HAIKU_MODEL -u ANTHROPIC_SMALL_FAST_MODEL claude'
                """.formatted(url);
        assertThat(Files.readString(rc)).isEqualTo(MOONSHOT_BLOCK.formatted(url, sandbox.home)
                .replace("export ANTHROPIC_MODEL='kimi-k2.5'", "export ANTHROPIC_MODEL='kimi-k2-thinking'")
                .replace("# <<< ccrouter <<<\n", aliases + "# <<< ccrouter <<<\n"));
        assertThat(sandbox.homeFiles()).containsExactly(".claude.json", ".config/ccrouter/keys.sh", "my.rc");
    }

    @Test
    void switchingAliasesWorkInBash() throws Exception {
        assertThat(sandbox.env("CCROUTER_KEY", KEY).run(script, "--aliases").exitCode()).isZero();
        String bash = sandbox.tools.resolve("bash").toString();

        // Aliases are expanded only in lines read after they are defined, hence the newline.
        sandbox.env("MOONSHOT_API_KEY", MOONSHOT_KEY).run(List.of(bash, "-c",
                "shopt -s expand_aliases; source ~/.bashrc\ncc-moonshot-cn -p hi"));
        assertThat(sandbox.claudeEnvironment()).isEqualTo("""
                ANTHROPIC_API_KEY=
                ANTHROPIC_AUTH_TOKEN=%s
                ANTHROPIC_BASE_URL=https://api.moonshot.cn/anthropic
                ANTHROPIC_DEFAULT_HAIKU_MODEL=kimi-k2-turbo-preview
                ANTHROPIC_MODEL=kimi-k2.5
                ANTHROPIC_SMALL_FAST_MODEL=kimi-k2-turbo-preview
                """.formatted(MOONSHOT_KEY));

        sandbox.run(List.of(bash, "-c", "shopt -s expand_aliases; source ~/.bashrc\ncc-anthropic -p hi"));
        assertThat(sandbox.claudeEnvironment()).isEmpty();
        assertThat(sandbox.calls()).endsWith("claude -p hi", "claude -p hi");
    }

    /** The zsh and fish blocks in the shells themselves, where those are installed. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("shells")
    void writtenConfigurationReachesClaudeThroughItsShell(String shell, String provider, String rcFile, String block)
            throws Exception {
        String program = Path.of(shell).getFileName().toString();
        var installed = InstallerSandbox.find(program);
        Assumptions.assumeTrue(installed.isPresent(), program + " is not installed here");
        String key = provider.contains("moonshot") ? MOONSHOT_KEY : KEY;
        assertThat(sandbox.env("SHELL", shell).env("CCROUTER_KEY", key).run(script, provider, "--aliases").exitCode())
                .isZero();

        InstallerSandbox.Run plain = sandbox.run(List.of(installed.get().toString(), "-c", ". ~/" + rcFile + "; claude"));
        assertThat(plain.exitCode()).as(plain.output()).isZero();
        assertThat(sandbox.claudeEnvironment()).contains("ANTHROPIC_AUTH_TOKEN=" + key + "\n", "ANTHROPIC_API_KEY=\n");

        // A shell parses a -c string before running it; eval parses again once the aliases exist.
        sandbox.env("OPENROUTER_API_KEY", KEY).run(List.of(installed.get().toString(), "-c",
                ". ~/" + rcFile + "; eval cc-openrouter -p hi"));
        assertThat(sandbox.claudeEnvironment()).contains("ANTHROPIC_BASE_URL=" + url + "\n",
                "ANTHROPIC_AUTH_TOKEN=" + KEY + "\n", "ANTHROPIC_MODEL=claude-opus-4-6\n");
        assertThat(sandbox.calls()).last().isEqualTo("claude -p hi");
    }

    @Test
    void secondRunReplacesTheBlockWhereItStandsAndBacksUpTheFile() throws Exception {
        Path rc = sandbox.home.resolve(".bashrc");
        String mine = "# my settings\nexport EDITOR=vi\n";
        Files.writeString(rc, mine);
        sandbox.env("CCROUTER_KEY", KEY);

        assertThat(sandbox.run(script).exitCode()).isZero();
        String afterFirst = Files.readString(rc);
        assertThat(afterFirst).startsWith(mine + "\n# >>> ccrouter >>>\n").endsWith("# <<< ccrouter <<<\n");
        Files.writeString(rc, afterFirst + "alias ll='ls -l'\n");

        InstallerSandbox.Run second = sandbox.run(script, "--model", "deepseek/deepseek-chat");
        assertThat(second.exitCode()).as(second.output()).isZero();
        String afterSecond = Files.readString(rc);
        assertThat(afterSecond).isEqualTo(afterFirst.replace("export ANTHROPIC_MODEL='claude-opus-4-6'",
                "export ANTHROPIC_MODEL='deepseek/deepseek-chat'") + "alias ll='ls -l'\n");
        assertThat(Pattern.compile("^# >>> ccrouter >>>$", Pattern.MULTILINE).matcher(afterSecond).results()).hasSize(1);

        List<Path> backups = backups(rc);
        assertThat(backups).hasSize(2);
        assertThat(backups).map(Files::readString).containsExactly(mine, afterFirst + "alias ll='ls -l'\n");
        assertThat(second.stdout()).contains("==> Updated the ccrouter block in " + rc + " (backup: " + backups.get(1) + ")\n");

        InstallerSandbox.Run third = sandbox.run(script, "--model", "deepseek/deepseek-chat");
        assertThat(third.stdout()).contains("==> " + rc + " already holds this configuration\n");
        assertThat(backups(rc)).as("an unchanged file is not backed up again").hasSize(2);
        assertThat(Files.readString(rc)).isEqualTo(afterSecond);
    }

    /** Backups in the order they were made: timestamps sort, and the same second gets -2, -3 … after its name. */
    private static List<Path> backups(Path rc) throws IOException {
        try (Stream<Path> files = Files.list(rc.getParent())) {
            return files.filter(file -> file.getFileName().toString().startsWith(rc.getFileName() + ".ccrouter-backup-"))
                    .sorted().toList();
        }
    }

    @Test
    void rcFileWithABrokenBlockIsLeftAlone() throws Exception {
        Path rc = sandbox.home.resolve(".bashrc");
        String broken = "# >>> ccrouter >>>\nexport ANTHROPIC_BASE_URL=x\n";
        Files.writeString(rc, broken);

        InstallerSandbox.Run run = sandbox.env("CCROUTER_KEY", KEY).run(script);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stderr()).contains("ccrouter install: " + rc + " has 1 '# >>> ccrouter >>>' but 0 "
                + "'# <<< ccrouter <<<' lines; fix the ccrouter block by hand (or delete it) and run this again\n");
        assertThat(Files.readString(rc)).isEqualTo(broken);
        assertThat(backups(rc)).isEmpty();
    }

    @Test
    void claudeJsonKeepsItsSettingsWhenNodeMergesIt() throws Exception {
        Assumptions.assumeTrue(InstallerSandbox.find("node").isPresent(), "node is not installed here");
        claudeJsonIsMerged();
        assertThat(sandbox.calls()).anyMatch(call -> call.startsWith("node -e"));
    }

    @Test
    void claudeJsonKeepsItsSettingsWhenPython3MergesIt() throws Exception {
        var python = InstallerSandbox.realPython();
        Assumptions.assumeTrue(python.isPresent(), "python3 is not installed here");
        Files.delete(sandbox.bin.resolve("node"));
        sandbox.linkTool("python3", python.get());
        claudeJsonIsMerged();
    }

    private void claudeJsonIsMerged() throws Exception {
        Path claudeJson = sandbox.home.resolve(".claude.json");
        String before = "{\"numStartups\": 7, \"hasCompletedOnboarding\": false, \"projects\": {\"/work\": "
                + "{\"allowedTools\": [\"Bash\"]}}, \"theme\": \"dark\"}";
        Files.writeString(claudeJson, before);

        InstallerSandbox.Run run = sandbox.env("CCROUTER_KEY", KEY).run(script, "--skip-node");

        assertThat(run.exitCode()).as(run.output()).isZero();
        JsonNode merged = JSON.readTree(claudeJson.toFile());
        assertThat(merged).isEqualTo(JSON.readTree("{\"numStartups\": 7, \"hasCompletedOnboarding\": true, "
                + "\"projects\": {\"/work\": {\"allowedTools\": [\"Bash\"]}}, \"theme\": \"dark\"}"));
        List<Path> backups = backups(claudeJson);
        assertThat(backups).hasSize(1);
        assertThat(Files.readString(backups.getFirst())).isEqualTo(before);
        assertThat(run.stdout()).contains("==> Marked onboarding complete in " + claudeJson
                + ", keeping its other settings (backup: " + backups.getFirst() + ")\n");
    }

    @Test
    void claudeJsonWithoutNodeOrPythonIsLeftAsItIsWithAWarning() throws Exception {
        Path claudeJson = sandbox.home.resolve(".claude.json");
        Files.writeString(claudeJson, "{\"theme\": \"dark\"}");
        Files.delete(sandbox.bin.resolve("node"));

        InstallerSandbox.Run run = sandbox.env("CCROUTER_KEY", KEY).run(script, "--skip-node");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(Files.readString(claudeJson)).isEqualTo("{\"theme\": \"dark\"}");
        assertThat(run.stderr()).contains("ccrouter install: warning: neither node nor python3 is here to edit "
                + claudeJson + " as JSON: add \"hasCompletedOnboarding\": true to it by hand\n");
        assertThat(backups(claudeJson)).isEmpty();
    }

    @Test
    void claudeJsonAlreadyMarkedIsNotTouched() throws Exception {
        Path claudeJson = sandbox.home.resolve(".claude.json");
        Files.writeString(claudeJson, "{\"hasCompletedOnboarding\":true,\"theme\":\"dark\"}");

        InstallerSandbox.Run run = sandbox.env("CCROUTER_KEY", KEY).run(script);

        assertThat(run.exitCode()).isZero();
        assertThat(Files.readString(claudeJson)).isEqualTo("{\"hasCompletedOnboarding\":true,\"theme\":\"dark\"}");
        assertThat(backups(claudeJson)).isEmpty();
    }
}
