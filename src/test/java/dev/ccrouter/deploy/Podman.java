package dev.ccrouter.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's podman as the container test drives it: every command reads {@code deploy/podman/containers.conf}, is
 * bounded in time, and has its output captured into a transcript that failure messages carry. The test is skipped when
 * podman, runc or debootstrap is missing or the user is not root, unless {@code CCROUTER_REQUIRE_PODMAN=1} (set by
 * {@code .ci/run}, which installs them) makes that a failure.
 */
final class Podman {
    static final Path CONFIG = Path.of("deploy/podman/containers.conf").toAbsolutePath();
    private static final List<String> TOOLS = List.of("podman", "runc", "debootstrap");
    private static final List<String> SYSTEM_FOLDERS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin");

    private final StringBuilder transcript = new StringBuilder();

    private Podman() {
    }

    /** Podman ready to use; skips the calling test when it cannot run here and it is not required. */
    static Podman require() {
        List<String> missing = TOOLS.stream().filter(tool -> find(tool).isEmpty()).toList();
        String reason = !missing.isEmpty() ? "not installed: " + String.join(", ", missing)
                + " (apt-get install podman runc debootstrap)"
                : !"root".equals(System.getProperty("user.name")) ? "the container test runs podman and debootstrap as root"
                : null;
        if (reason != null && "1".equals(System.getenv("CCROUTER_REQUIRE_PODMAN"))) {
            throw new IllegalStateException("CCROUTER_REQUIRE_PODMAN=1 but " + reason);
        }
        Assumptions.assumeTrue(reason == null, reason);
        return new Podman();
    }

    /** One finished command: its exit status and what it wrote (standard output and error, interleaved). */
    record Run(int exitCode, String output) {
    }

    /** {@code podman ARGUMENTS}, which must succeed within {@code limit}; returns its output. */
    String check(Duration limit, String... arguments) {
        Run run = run(limit, arguments);
        if (run.exitCode() != 0) {
            throw new AssertionError("podman " + String.join(" ", arguments) + " exited with " + run.exitCode()
                    + "\n" + transcript());
        }
        return run.output();
    }

    /** {@code podman ARGUMENTS}, whatever its exit status, within {@code limit}. */
    Run run(Duration limit, String... arguments) {
        List<String> command = new ArrayList<>(List.of(find("podman").orElseThrow().toString()));
        command.addAll(List.of(arguments));
        return exec(limit, command, Map.of());
    }

    /**
     * Any program with the podman settings in its environment (plus {@code environment}), killed and reported if it
     * outlasts {@code limit}.
     */
    Run exec(Duration limit, List<String> command, Map<String, String> environment) {
        transcript.append("$ ").append(String.join(" ", command)).append('\n');
        Path output = null;
        try {
            output = Files.createTempFile("ccrouter-podman-", ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            builder.environment().put("CONTAINERS_CONF", CONFIG.toString());
            builder.environment().put("PATH", path());
            builder.environment().putAll(environment);
            long begun = System.nanoTime();
            Process process = builder.start();
            boolean finished = process.waitFor(limit.toSeconds(), TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);
            transcript.append(text).append(text.isEmpty() || text.endsWith("\n") ? "" : "\n");
            if (!finished) {
                throw new AssertionError("still running after " + limit.toSeconds() + " s, killed: "
                        + String.join(" ", command) + "\n" + transcript());
            }
            transcript.append("(exit ").append(process.exitValue()).append(" after ")
                    .append((System.nanoTime() - begun) / 1_000_000).append(" ms)\n");
            return new Run(process.exitValue(), text);
        } catch (IOException e) {
            throw new AssertionError("could not run " + command + ": " + e + "\n" + transcript(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + command, e);
        } finally {
            if (output != null) {
                output.toFile().delete();
            }
        }
    }

    /** Every command run so far with its output, for failure messages. */
    String transcript() {
        return transcript.toString();
    }

    /** The PATH, with the system folders where Debian puts runc and debootstrap even when a user's PATH lacks them. */
    private static String path() {
        List<String> folders = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(":")));
        SYSTEM_FOLDERS.stream().filter(folder -> !folders.contains(folder)).forEach(folders::add);
        return String.join(":", folders);
    }

    private static Optional<Path> find(String program) {
        return Stream.of(path().split(":")).filter(folder -> !folder.isEmpty())
                .map(folder -> Path.of(folder, program)).filter(Files::isExecutable).findFirst();
    }
}
