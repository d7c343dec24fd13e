package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar started bare, {@code java -jar ccrouter.jar serve}, as a user without the launcher starts it: it
 * becomes the bounded gateway ({@link BoundedHeap#FLAGS}) — on JDK 22+ in its own process (execve through
 * {@code META-INF/versions/22}), one JVM; on JDK 21 as the one child JVM it waits for. Runs after {@code package}
 * (the Maven execution {@code packaged-jar}): the Multi-Release classes are only in the jar.
 */
@EnabledOnOs(OS.LINUX)
class BareJavaJarIT {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private static final boolean REPLACES_ITSELF = Runtime.version().feature() >= 22;

    @TempDir
    Path dir;

    @Test
    void aBareStartBecomesTheBoundedGatewayInItsOwnProcess() throws Exception {
        Path jar = Path.of("target/ccrouter.jar").toAbsolutePath();
        assertThat(jar).as("the packaged jar (this test runs after mvn package)").isRegularFile();

        try (BareGateway gateway = BareGateway.start(jar, dir)) {
            ProcessHandle bounded = REPLACES_ITSELF ? gateway.process.toHandle()
                    : gateway.process.children().findFirst().orElseThrow();
            assertThat(gateway.healthPid()).as("the process serving").isEqualTo(bounded.pid());
            assertThat(gateway.process.descendants().count()).as("JVMs besides the one started")
                    .isEqualTo(REPLACES_ITSELF ? 0 : 1);
            assertThat(bounded.info().arguments().orElseThrow()).containsSubsequence(BoundedHeap.FLAGS)
                    .endsWith("-Dccrouter.bare=1", "-jar", jar.toString(), "serve", "--port", "0");
            assertThat(gateway.log).as("no JDK warning (native access is the manifest's)")
                    .noneMatch(line -> line.contains("WARNING"));
            assertThat(threadNames(bounded.pid())).as("sockets waited on by platform-thread pollers (Main)")
                    .contains("Read-Poller", "Write-Poller").doesNotContain("MasterPoller");
            assertThat(gateway.log).as("serve's rehearsal (server/Rehearsal), over before it listens")
                    .filteredOn(line -> line.contains(" warmed up: ") || line.contains(" ccrouter listening on "))
                    .satisfiesExactly(
                            line -> assertThat(line).matches(".* warmed up: rehearsed Claude Code's first turns on a "
                                    + "stage of its own in \\d+ ms"),
                            line -> assertThat(line).contains(" ccrouter listening on http://127.0.0.1:"));
        }
    }

    /** The process's thread names as the kernel has them (15 characters at most). */
    private static List<String> threadNames(long pid) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            List<String> names = new ArrayList<>();
            for (Path task : tasks.toList()) {
                try {
                    names.add(Files.readString(task.resolve("comm")).strip());
                } catch (IOException ended) {
                    // a thread that ended as the folder was read
                }
            }
            return names;
        }
    }

    @Test
    void theBoundedJvmStartsFromTheCacheBesideTheJar() throws Exception {
        Path jar = Files.copy(Path.of("target/ccrouter.jar"), dir.resolve("ccrouter.jar"));
        // Not a real cache (training one takes half a minute): the JVM skips it unreadable, silently, and serves.
        Path cache = Files.writeString(dir.resolve("ccrouter.aot"), "not a cache");
        Files.setLastModifiedTime(cache, FileTime.from(Instant.now().plusSeconds(1)));

        try (BareGateway gateway = BareGateway.start(jar, dir)) {
            ProcessHandle bounded = REPLACES_ITSELF ? gateway.process.toHandle()
                    : gateway.process.children().findFirst().orElseThrow();
            List<String> arguments = List.of(bounded.info().arguments().orElseThrow());
            if (Runtime.version().feature() >= 25) {
                assertThat(arguments).contains("-XX:AOTCache=" + cache, "-Xlog:aot*=off", "-Xlog:cds*=off");
            } else {
                assertThat(arguments).noneMatch(argument -> argument.startsWith("-XX:AOTCache"));
            }
            assertThat(gateway.healthPid()).isEqualTo(bounded.pid());
        }
    }

    /** {@code java -Dccrouter.bare=1 -jar <jar> serve --port 0}, no heap or collector option, logging to {@link #log}. */
    private record BareGateway(Process process, List<String> log) implements AutoCloseable {
        static BareGateway start(Path jar, Path dir) throws Exception {
            ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dccrouter.bare=1", "-jar", jar.toString(), "serve", "--port", "0")
                    .directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().keySet().removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
            builder.environment().put("CCROUTER_DATA_DIR", dir.resolve("data").toString());
            builder.environment().put("OPENROUTER_BASE_URL", "http://127.0.0.1:9/api/v1"); // no price fetch leaves
            Process process = builder.start();
            List<String> log = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8)).lines().forEach(log::add));
            BareGateway gateway = new BareGateway(process, log);
            await().atMost(Duration.ofSeconds(60)).until(() -> gateway.port() > 0 || !process.isAlive());
            assertThat(gateway.port()).as(String.join("\n", log)).isPositive();
            return gateway;
        }

        int port() {
            return log.stream().map(LISTENING::matcher).filter(Matcher::find)
                    .mapToInt(matcher -> Integer.parseInt(matcher.group(1))).findFirst().orElse(0);
        }

        long healthPid() throws Exception {
            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/health"))
                            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            return new ObjectMapper().readTree(health.body()).path("pid").asLong();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }
}
