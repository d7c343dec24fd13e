package dev.ccrouter.install;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A place to run the installer as a user would, without touching this machine: an empty {@code HOME}, and a
 * {@code PATH} of exactly two folders. {@code tools} links the few system programs the installer may use (so a new
 * dependency fails here first); {@code bin} holds stand-ins for {@code node}, {@code npm}, {@code claude},
 * {@code sudo}, {@code apt-get}, {@code uname} and {@code id} that record how they were called.
 */
final class InstallerSandbox {
    /** Everything the installer and the stand-ins run besides themselves. */
    static final List<String> TOOLS = List.of("bash", "cat", "cp", "date", "mkdir", "mktemp", "rm", "grep", "sed",
            "awk", "cmp", "dirname", "head", "env", "sort", "chmod");

    final Path home;
    final Path bin;
    final Path tools;
    private final Path root;
    private final Path calls;
    private final Map<String, String> env = new HashMap<>();

    /** What one run printed and returned. */
    record Run(int exitCode, String stdout, String stderr) {
        String output() {
            return stdout + stderr;
        }
    }

    InstallerSandbox(Path root) throws IOException {
        this.root = root;
        this.home = Files.createDirectories(root.resolve("home"));
        this.bin = Files.createDirectories(root.resolve("bin"));
        this.tools = Files.createDirectories(root.resolve("tools"));
        this.calls = root.resolve("calls.log");
        Files.createDirectories(root.resolve("tmp"));
        Files.createDirectories(root.resolve("npm-prefix"));
        for (String tool : TOOLS) {
            linkTool(tool, find(tool).orElseThrow(() -> new IllegalStateException(tool + " is not on this machine's PATH")));
        }
        find("curl").ifPresent(curl -> linkTool("curl", curl));
        stub("uname", "echo Linux");
        stub("id", "echo \"${STUB_UID:-1000}\"");
        env.put("HOME", home.toString());
        env.put("PATH", bin + File.pathSeparator + tools);
        env.put("SHELL", "/bin/bash");
        env.put("TMPDIR", root.resolve("tmp").toString());
        env.put("STUB_CALLS", calls.toString());
    }

    /** A program on this machine's PATH, followed to the real file (pyenv and similar put shims there). */
    static Optional<Path> find(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The real python3 binary, asked of python3 itself: a pyenv shim does not work outside its own PATH. */
    static Optional<Path> realPython() {
        Optional<Path> python = find("python3");
        if (python.isEmpty()) {
            return Optional.empty();
        }
        try {
            Process process = new ProcessBuilder(python.get().toString(), "-c", "import sys; print(sys.executable)").start();
            String path = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0 && !path.isEmpty()
                    ? Optional.of(Path.of(path)) : Optional.empty();
        } catch (IOException | InterruptedException e) {
            return Optional.empty();
        }
    }

    InstallerSandbox env(String name, String value) {
        env.put(name, value);
        return this;
    }

    void linkTool(String name, Path target) {
        try {
            Files.deleteIfExists(tools.resolve(name));
            Files.createSymbolicLink(tools.resolve(name), target.toRealPath());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code node} of the given version; {@code node -e} runs the real one when this machine has it. */
    InstallerSandbox node(String version) throws IOException {
        String evaluate = find("node").map(real -> "exec '" + real + "' \"$@\"")
                .orElse("echo 'no real node on this machine' >&2; exit 1");
        stub("node", "case $1 in --version) echo " + version + " ;; -e) " + evaluate + " ;; esac");
        return this;
    }

    /** {@code npm}: its global prefix is writable; {@code install -g} puts a {@code claude} stand-in on the PATH. */
    InstallerSandbox npm() throws IOException {
        stub("npm", "case $1 in prefix) echo '" + root.resolve("npm-prefix") + "' ;; install) cat > '"
                + bin.resolve("claude") + "' <<'EOF'\n" + claudeScript() + "EOF\nchmod +x '" + bin.resolve("claude")
                + "' ;; esac");
        return this;
    }

    InstallerSandbox claude() throws IOException {
        write(bin.resolve("claude"), claudeScript());
        return this;
    }

    /** {@code claude} records its arguments and its ANTHROPIC_* environment ({@link #claudeEnvironment()}). */
    private String claudeScript() {
        return "#!/bin/sh\necho \"claude $*\" >> \"$STUB_CALLS\"\n"
                + "env | grep '^ANTHROPIC_' | sort > '" + root.resolve("claude-env") + "'\n"
                + "case $1 in --version) echo '2.1.332 (Claude Code)' ;; esac\n";
    }

    /** {@code sudo} runs its command; {@code apt-get install} puts a {@code node} of {@code nodeVersion} there. */
    InstallerSandbox aptGet(String nodeVersion) throws IOException {
        stub("sudo", "exec \"$@\"");
        stub("apt-get", "case $1 in install) cat > '" + bin.resolve("node") + "' <<'EOF'\n#!/bin/sh\n"
                + "echo \"node $*\" >> \"$STUB_CALLS\"\necho " + nodeVersion + "\nEOF\nchmod +x '" + bin.resolve("node")
                + "' ;; esac");
        return this;
    }

    private void stub(String name, String body) throws IOException {
        write(bin.resolve(name), "#!/bin/sh\necho \"" + name + " $*\" >> \"$STUB_CALLS\"\n" + body + "\n");
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Runs {@code bash script args…} with stdin from /dev/null, as {@code curl … | bash} leaves no terminal. */
    Run run(Path script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(tools.resolve("bash").toString(), script.toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    Run run(List<String> command) throws IOException, InterruptedException {
        return run(command, new File("/dev/null"));
    }

    /** Runs {@code command} with {@code input} as its stdin. */
    Run run(List<String> command, String input) throws IOException, InterruptedException {
        return run(command, Files.writeString(Files.createTempFile(root, "stdin", ".txt"), input).toFile());
    }

    private Run run(List<String> command, File stdin) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(root, "stdout", ".txt");
        Path stderr = Files.createTempFile(root, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(stdin))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().clear();
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("the installer did not finish within 60 s; stdout: " + Files.readString(stdout));
        }
        return new Run(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    /** Each stand-in call, in order, as {@code name args…}. */
    List<String> calls() throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    /** The ANTHROPIC_* variables the last {@code claude} call saw, one {@code NAME=value} a line, sorted. */
    String claudeEnvironment() throws IOException {
        return Files.readString(root.resolve("claude-env"));
    }

    /** Every file under HOME, relative to it, sorted. */
    List<String> homeFiles() throws IOException {
        try (var files = Files.walk(home)) {
            return files.filter(Files::isRegularFile).map(file -> home.relativize(file).toString()).sorted().toList();
        }
    }
}
