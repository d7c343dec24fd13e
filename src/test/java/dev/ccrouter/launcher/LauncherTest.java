package dev.ccrouter.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.StatusLineLedger;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./ccrouter} launcher as a user meets it on these machines: the default {@code java} on the PATH is older
 * than 21 (or absent), the launcher is reached through a symlink on the PATH, and it runs from another folder. A copy of
 * the launcher sits in a throwaway checkout with a stand-in {@code mvn} that records how it was called (and, asked to
 * package, builds a tiny jar that says how it was run), so the test checks the launcher's own decisions without
 * building ccrouter inside its own build.
 *
 * <p>{@code ccrouter statusline} is answered by the running gateway through curl, without Java or a build: against a
 * real gateway on a seeded ledger it must print the exact line, and with no gateway fall back to the jar with the
 * same input.
 */
class LauncherTest {
    @TempDir
    Path root;

    Path checkout;
    Path mavenCalls;
    Path symlinkDir;
    Path elsewhere;
    Path fakeBin;

    @BeforeEach
    void checkout() throws IOException {
        checkout = Files.createDirectories(root.resolve("checkout"));
        Files.copy(Path.of("ccrouter"), checkout.resolve("ccrouter"));
        Files.writeString(checkout.resolve("pom.xml"), "<project/>\n");
        Files.createDirectories(checkout.resolve("src/main"));
        Files.writeString(checkout.resolve("src/main/Source.txt"), "sources\n");
        mavenCalls = root.resolve("maven-calls.txt");
        fakeBin = Files.createDirectories(root.resolve("fake-bin"));
        Path mvn = fakeBin.resolve("mvn");
        Files.writeString(mvn, """
                #!/usr/bin/env bash
                # Records the call; "package" builds target/ccrouter.jar from one class that prints how it was run.
                printf 'cwd=%s\\nargs=%s\\njava_home=%s\\nmaven_opts=%s\\n' "$PWD" "$*" "$JAVA_HOME" "$MAVEN_OPTS" \\
                  >> "$MAVEN_CALLS"
                case " $* " in
                  *" package "*)
                    # held, when the test asks, until it lets the build go on
                    if [ -n "${MAVEN_HOLD:-}" ]; then while [ ! -e "$MAVEN_HOLD" ]; do sleep 0.05; done; fi
                    if [ -n "${MAVEN_FAIL:-}" ]; then echo "[ERROR] COMPILATION ERROR"; exit 1; fi
                    mkdir -p target/classes
                    cp src/main/Source.txt target/classes/ # the sources, in the jar: a new build differs
                    printf '%s' 'public class Said { public static void main(String[] a) throws Exception {
                      System.out.println("jar ran: " + String.join(" ", a) + " on Java " + Runtime.version().feature());
                      System.out.println("launcher: " + System.getenv("CCROUTER_LAUNCHER"));
                      if (a.length > 0 && a[0].equals("statusline")) System.out.print("stdin: " + new String(System.in.readAllBytes())); } }' \\
                      > target/Said.java
                    # the start-up cache's training stand-in: like the real one, it fails on a gateway setting of
                    # the user's (here, any at all)
                    printf '%s' 'package dev.ccrouter.training; public class AotTraining {
                      public static void main(String[] a) { if (System.getenv().keySet().stream().anyMatch(name ->
                      name.startsWith("CCROUTER_") || name.equals("OPENROUTER_BASE_URL"))) System.exit(1); } }' \
                      > target/AotTraining.java
                    "$JAVA_HOME/bin/javac" -d target/classes target/Said.java target/AotTraining.java
                    "$JAVA_HOME/bin/jar" --create --file target/new.jar --main-class Said -C target/classes .
                    # written over the jar that is there, in place, as Maven's archiver writes it
                    cat target/new.jar > target/ccrouter.jar && rm target/new.jar ;;
                esac
                """);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        symlinkDir = Files.createDirectories(root.resolve("bin"));
        Files.createSymbolicLink(symlinkDir.resolve("ccrouter"), checkout.resolve("ccrouter"));
        elsewhere = Files.createDirectories(root.resolve("somewhere-else"));
    }

    @Test
    void testCommandRunsMavenVerifyInTheRealCheckoutWithAJdk21EvenWhenTheDefaultJavaIsOlder() throws Exception {
        Run run = launch("test", "-Dtest=Nothing");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("ccrouter: testing with the JDK at ");
        List<String> call = Files.readAllLines(mavenCalls);
        assertThat(call).hasSize(4);
        assertThat(call.get(0)).isEqualTo("cwd=" + checkout.toRealPath());
        assertThat(call.get(1)).isEqualTo("args=-B --no-transfer-progress verify -Dtest=Nothing");
        Path javaHome = Path.of(call.get(2).substring("java_home=".length()));
        int major = jdkMajor(javaHome);
        assertThat(major).as("the JDK Maven runs on").isGreaterThanOrEqualTo(21);
        assertThat(call.get(3)).startsWith("maven_opts=-Djansi.noreset=true");
        if (major >= 23) {
            assertThat(call.get(3)).contains("--sun-misc-unsafe-memory-access=allow");
        } else {
            assertThat(call.get(3)).doesNotContain("--sun-misc-unsafe-memory-access");
        }
    }

    @Test
    void servingCommandsBuildTheJarInTheRealCheckoutOnceAndRunIt() throws Exception {
        Run first = launch("version");

        assertThat(first.exitCode()).as(first.output()).isZero();
        assertThat(first.output()).contains("ccrouter: building target/ccrouter.jar (first run or sources changed)")
                .containsPattern("jar ran: version on Java (2[1-9]|[3-9][0-9])");
        assertThat(Files.readAllLines(mavenCalls)).containsSubsequence(
                "cwd=" + checkout.toRealPath(), "args=-B --no-transfer-progress -q -DskipTests package");

        Run second = launch("serve", "--port", "0");

        assertThat(second.output()).as("an up-to-date jar is not built again").doesNotContain("building")
                .contains("jar ran: serve --port 0");
        assertThat(Files.readAllLines(mavenCalls).stream().filter(line -> line.startsWith("args=")))
                .containsExactly("args=-B --no-transfer-progress -q -DskipTests package");
    }

    /**
     * However it is launched — through a symlink on the PATH, as {@code ./ccrouter} in its folder, by a relative path
     * from elsewhere — it works in its real checkout and tells the jar its own absolute path, which {@code ccrouter
     * code} writes into Claude Code's settings as the status-line command.
     */
    @Test
    void everyWayOfLaunchingItFindsItsCheckoutAndItsOwnPath() throws Exception {
        String launcher = "launcher: " + checkout.toRealPath().resolve("ccrouter");
        Run bySymlink = launch("version");
        assertThat(bySymlink.output()).as(bySymlink.output()).contains("jar ran: version", launcher);

        for (String[] how : List.of(new String[] {"./ccrouter", checkout.toString()},
                new String[] {"checkout/ccrouter", root.toString()}, new String[] {"../checkout/ccrouter",
                elsewhere.toString()}, new String[] {"bash ccrouter", checkout.toString()})) {
            ProcessBuilder builder = builder(Map.of(), "version");
            builder.command().remove(0);
            builder.command().addAll(0, List.of(how[0].split(" ")));
            builder.directory(new File(how[1]));
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(process.exitValue()).as(output).isZero();
            assertThat(output).as(how[0] + " from " + how[1]).doesNotContain("building").contains("jar ran: version");
            assertThat(Path.of(output.lines().filter(line -> line.startsWith("launcher: ")).findFirst().orElseThrow()
                    .substring("launcher: ".length())).toRealPath()).as(how[0]).isEqualTo(
                    checkout.toRealPath().resolve("ccrouter"));
        }
    }

    /** A source changed deep in the tree, or one removed (only its folder is newer), is built again; nothing else. */
    @Test
    void aChangeAnywhereUnderTheSourcesIsBuiltAgain() throws Exception {
        Path nested = Files.createDirectories(checkout.resolve("src/main/java/dev/ccrouter/deep"));
        Path source = Files.writeString(nested.resolve("Deep.java"), "class Deep {}\n");
        Path gone = Files.writeString(nested.resolve("Gone.java"), "class Gone {}\n");
        assertThat(launch("version").output()).contains("building");
        Instant built = Instant.now().minus(Duration.ofMinutes(30));
        sourcesAndJarAsBuiltAt(built);
        assertThat(launch("version").output()).doesNotContain("building");

        Files.setLastModifiedTime(source, FileTime.from(built.plusSeconds(60)));
        assertThat(launch("version").output()).as("a changed source").contains("building", "jar ran: version");
        assertThat(launch("version").output()).doesNotContain("building");

        sourcesAndJarAsBuiltAt(built);
        Files.delete(gone);
        Files.setLastModifiedTime(nested, FileTime.from(built.plusSeconds(60)));
        assertThat(launch("version").output()).as("a removed source").contains("building", "jar ran: version");
        assertThat(launch("version").output()).doesNotContain("building");

        Path hidden = Files.writeString(Files.createDirectories(checkout.resolve("src/main/.hidden")).resolve(".x"),
                "x\n");
        sourcesAndJarAsBuiltAt(built);
        Files.setLastModifiedTime(hidden, FileTime.from(built.plusSeconds(60)));
        assertThat(launch("version").output()).as("a hidden file changed").contains("building", "jar ran: version");
    }

    /** A JDK 21+ that the PATH's java belongs to is the one chosen, before any other on the machine. */
    @Test
    void theJdkOfThePathsJavaIsChosenWhenItIsRecentEnough() throws Exception {
        Path jdk = Files.createDirectories(root.resolve("jdk-on-the-path/bin"));
        Files.writeString(jdk.resolveSibling("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"25.0.1\"\n");
        Path java = Files.writeString(jdk.resolve("java"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(fakeBin.resolve("java"), java); // as the distribution's alternatives link does

        Run run = launch("test", "-Dtest=Nothing");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(Files.readAllLines(mavenCalls)).contains("java_home=" + jdk.getParent().toRealPath());
    }

    /** Every source and folder a minute older than the jar, and the jar (and its start-up cache) made at {@code at}. */
    private void sourcesAndJarAsBuiltAt(Instant at) throws IOException {
        try (var entries = Files.walk(checkout.resolve("src"))) {
            for (Path entry : (Iterable<Path>) entries::iterator) {
                Files.setLastModifiedTime(entry, FileTime.from(at.minusSeconds(60)));
            }
        }
        Files.setLastModifiedTime(checkout.resolve("pom.xml"), FileTime.from(at.minusSeconds(60)));
        Files.setLastModifiedTime(checkout.resolve("target/ccrouter.jar"), FileTime.from(at));
        Path cache = checkout.resolve("target/ccrouter.aot");
        if (Files.exists(cache)) {
            Files.setLastModifiedTime(cache, FileTime.from(at.plusSeconds(1)));
        }
    }

    /**
     * A gateway started before a git pull runs from the old jar, and reads classes from it as it goes (its shutdown's
     * among them): the rebuild makes a new file and leaves the one the gateway has open whole.
     */
    @Test
    void aRebuildLeavesTheJarARunningGatewayHasOpenWhole() throws Exception {
        assertThat(launch("version").exitCode()).isZero();
        Path jar = checkout.resolve("target/ccrouter.jar");
        byte[] built = Files.readAllBytes(jar);
        try (FileChannel running = FileChannel.open(jar, StandardOpenOption.READ)) { // as the gateway's JVM has it
            sourcesChanged();

            Run rebuilt = launch("version");

            assertThat(rebuilt.output()).contains("ccrouter: building target/ccrouter.jar");
            assertThat(Files.readAllBytes(jar)).as("the new build").isNotEqualTo(built);
            ByteBuffer seen = ByteBuffer.allocate(built.length + 1);
            running.read(seen, 0);
            assertThat(Arrays.copyOf(seen.array(), seen.position())).as("the file the gateway has open")
                    .isEqualTo(built);
        }
        assertThat(checkout.resolve("target/ccrouter.jar.replaced")).doesNotExist();
    }

    @Test
    void aBuildThatFailsLeavesTheJarThatWasThere() throws Exception {
        assertThat(launch("version").exitCode()).isZero();
        Path jar = checkout.resolve("target/ccrouter.jar");
        byte[] built = Files.readAllBytes(jar);
        sourcesChanged();

        Run failed = launch(Map.of("MAVEN_FAIL", "1"), "", "version");

        assertThat(failed.exitCode()).as(failed.output()).isEqualTo(1);
        assertThat(failed.output()).contains("COMPILATION ERROR").doesNotContain("jar ran");
        assertThat(Files.readAllBytes(jar)).isEqualTo(built);
        assertThat(checkout.resolve("target/ccrouter.jar.replaced")).doesNotExist();
    }

    /**
     * The start-up cache is trained once per build whatever the user's settings: the training runs a gateway of its
     * own, which a configuration file of the user's (one whose variables this shell lacks, one with auth.keys) or a
     * ledger URL failed, and a failed training was tried again, for seconds, at every launch.
     */
    @Test
    void theStartUpCacheIsTrainedOnceWhateverTheUsersGatewaySettings() throws Exception {
        Map<String, String> settings = Map.of("CCROUTER_CONFIG", root.resolve("absent.yaml").toString(),
                "OPENROUTER_BASE_URL", "http://127.0.0.1:9/v1", "CCROUTER_LEDGER_URL", "jdbc:postgresql://db/x");
        Run first = launch(settings, "", "version");
        org.junit.jupiter.api.Assumptions.assumeTrue(first.output().contains("training the start-up cache"),
                "a JDK 25+ trains an ahead-of-time cache");

        Run second = launch(settings, "", "version");

        assertThat(checkout.resolve("target/ccrouter.aot")).exists();
        assertThat(second.output()).as("a cache trained once per build").doesNotContain("training")
                .contains("jar ran: version");
    }

    /** A source edited after the jar was built (its time set ahead: the file system's clock may be coarse). */
    private void sourcesChanged() throws IOException {
        Path source = checkout.resolve("src/main/Source.txt");
        Files.writeString(source, "sources, changed\n");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plusSeconds(10)));
    }

    /** Two terminals after a git pull: the second launch waits for the first's build instead of building too. */
    @Test
    void aSecondLaunchWaitsForTheBuildTheFirstIsMakingAndBuildsNothing() throws Exception {
        Path release = root.resolve("release-the-build");
        Map<String, String> held = Map.of("MAVEN_HOLD", release.toString());
        Path firstOutput = root.resolve("first.txt");
        Path secondOutput = root.resolve("second.txt");
        Process first = start(held, firstOutput, "version");
        await().atMost(Duration.ofSeconds(30)).until(() -> packageCalls() == 1);

        Process second = start(held, secondOutput, "version");
        await().atMost(Duration.ofSeconds(30)).until(() -> packageCalls() > 1
                || Files.readString(secondOutput).contains("ccrouter: waiting for the build"));
        Files.createFile(release);

        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(packageCalls()).as("builds run").isEqualTo(1);
        assertThat(Files.readString(firstOutput)).contains("ccrouter: building target/ccrouter.jar")
                .contains("jar ran: version");
        assertThat(Files.readString(secondOutput))
                .startsWith("ccrouter: waiting for the build another ccrouter is making…\n")
                .doesNotContain("building").contains("jar ran: version");
        assertThat(first.exitValue()).isZero();
        assertThat(second.exitValue()).isZero();
    }

    /**
     * A lock file this user cannot open (left by a {@code sudo ./ccrouter} run, or a read-only {@code target/}; as
     * root the test makes it a folder): the launch builds without the lock, as before there was one, rather than
     * saying it waits for another build and then running the jar the sources left behind.
     */
    @Test
    void aLockFileThatCannotBeOpenedIsBuiltWithout() throws Exception {
        Files.createDirectories(checkout.resolve("target/.build.lock"));

        Run run = launch("version");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).doesNotContain("waiting").doesNotContain(".build.lock")
                .contains("ccrouter: building target/ccrouter.jar").contains("jar ran: version");
        assertThat(packageCalls()).isEqualTo(1);
    }

    private long packageCalls() throws IOException {
        return Files.exists(mavenCalls) ? Files.readAllLines(mavenCalls).stream()
                .filter(line -> line.startsWith("args=") && line.contains(" package")).count() : 0;
    }

    @Test
    void statuslineIsAnsweredByTheRunningGatewayWithoutJavaOrABuild() throws Exception {
        LedgerSettings ledger = StatusLineLedger.seed(Files.createDirectories(root.resolve("ledger")));
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, UnaryOperator.identity(), ledger)) {
            Run byPort = launch(Map.of("CCROUTER_PORT", String.valueOf(gateway.port()), "TZ", "UTC"),
                    StatusLineLedger.CLAUDE_CODE_JSON, "statusline");

            assertThat(byPort.exitCode()).as(byPort.output()).isZero();
            assertThat(byPort.output()).isEqualTo(StatusLineLedger.LINE + "\n");
            assertThat(mavenCalls).as("nothing was built, so no JVM ran either").doesNotExist();

            Run byClaudeCodesGateway = launch(Map.of("ANTHROPIC_BASE_URL", gateway.baseUrl(),
                    "CCROUTER_PORT", String.valueOf(closedPort()), "TZ", ":UTC"), StatusLineLedger.CLAUDE_CODE_JSON,
                    "statusline");

            assertThat(byClaudeCodesGateway.output()).as("the gateway Claude Code was pointed at comes first")
                    .isEqualTo(StatusLineLedger.LINE + "\n");
        }
    }

    @Test
    void statuslineWithoutAGatewayRunsTheJarWithClaudeCodesInput() throws Exception {
        Run run = launch(Map.of("CCROUTER_PORT", String.valueOf(closedPort())), StatusLineLedger.CLAUDE_CODE_JSON,
                "statusline");

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).containsPattern("jar ran: statusline on Java (2[1-9]|[3-9][0-9])\n")
                .contains("stdin: " + StatusLineLedger.CLAUDE_CODE_JSON);
    }

    /** A port on this machine where nothing listens (it was free a moment ago). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theJavaOptionsItRunsTheJarWithArePrintedForTheBenchmarks() throws Exception {
        Run run = launch("--print-java-options");

        assertThat(run.exitCode()).as(run.output()).isZero();
        List<String> lines = run.output().lines().toList();
        // the same collector and heap limit the jar gives itself when started bare (cli/BoundedHeap.FLAGS)
        assertThat(lines.getLast()).startsWith(
                "-XX:+UseSerialGC -Xmx768m -Xms176m -Xmn160m -XX:SurvivorRatio=4 -XX:MinHeapFreeRatio=10 "
                        + "-XX:MaxHeapFreeRatio=30 -XX:-ShrinkHeapInSteps");
        assertThat(run.output()).doesNotContain("jar ran");
    }

    record Run(int exitCode, String output) {
    }

    /**
     * The launcher through its symlink, from another folder, with no JAVA_HOME and only the system folders (where
     * {@code java}, if any, is the distribution's default) and the stand-in Maven on the PATH.
     */
    private Run launch(String... args) throws Exception {
        return launch(Map.of(), "", args);
    }

    /** The same, with these variables added to the environment and {@code stdin} piped in. */
    private Run launch(Map<String, String> extraEnv, String stdin, String... args) throws Exception {
        Process process = builder(extraEnv, args).start();
        try (var in = process.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    /** The same, started with nothing on stdin and its output going to a file. */
    private Process start(Map<String, String> extraEnv, Path output, String... args) throws IOException {
        return builder(extraEnv, args).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(output.toFile()).start();
    }

    private ProcessBuilder builder(Map<String, String> extraEnv, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of(symlinkDir.resolve("ccrouter").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(elsewhere.toFile()).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.remove("JAVA_HOME");
        env.remove("MAVEN_OPTS");
        env.remove("CCROUTER_JAVA_OPTS");
        List.of("ANTHROPIC_BASE_URL", "CCROUTER_HOST", "CCROUTER_PORT", "TZ").forEach(env::remove);
        env.put("PATH", fakeBin + File.pathSeparator + "/usr/local/bin:/usr/bin:/bin");
        env.put("MAVEN_CALLS", mavenCalls.toString());
        env.putAll(extraEnv);
        return builder;
    }

    private static int jdkMajor(Path javaHome) throws IOException {
        return Files.readAllLines(javaHome.resolve("release")).stream()
                .filter(line -> line.startsWith("JAVA_VERSION=\""))
                .map(line -> Integer.parseInt(line.replaceAll("JAVA_VERSION=\"(\\d+).*", "$1")))
                .findFirst().orElse(0);
    }
}
