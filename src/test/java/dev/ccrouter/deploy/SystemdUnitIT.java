package dev.ccrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.FakeUpstream;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The systemd unit's own command line, run: {@code ExecStart} and the {@code Environment=} lines are read from
 * {@code deploy/ccrouter.service} and started as systemd would start them (a bare environment whose {@code PATH} holds
 * only the system folders, where {@code java} may be Debian's 17), with the install paths swapped for this checkout's
 * packaged jar and this build's JDK, port 0 and a throwaway data directory. Runs after {@code package} (the Maven
 * execution {@code packaged-jar}), since it needs the real fat jar.
 */
class SystemdUnitIT {
    private static final Path UNIT = Path.of("deploy/ccrouter.service");
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path stateDirectory;

    final FakeUpstream upstream = FakeUpstream.start();

    @AfterEach
    void stopUpstream() {
        upstream.close();
    }

    @Test
    void execStartServesHealthFromOneBoundedJvmAndStopsCleanlyOnSigterm() throws Exception {
        SystemdUnit unit = SystemdUnit.read(UNIT);
        assertThat(unit.execStart()).as("the JVM the unit runs").first().isEqualTo("/opt/ccrouter/jdk/bin/java");
        assertThat(unit.execStart()).as("a bounded heap with Serial GC, as the launcher runs it")
                .contains("-XX:+UseSerialGC", "-Xmx768m");
        assertThat(unit.execStart()).as("the start-up cache the install steps make, its warnings off")
                .contains("-XX:AOTCache=/opt/ccrouter/ccrouter.aot", "-Xlog:aot*=off");
        assertThat(unit.environment()).containsEntry("CCROUTER_HOST", "127.0.0.1")
                .containsEntry("CCROUTER_DATA_DIR", "/var/lib/ccrouter");

        Map<String, String> installPaths = Map.of(
                "/opt/ccrouter/jdk", System.getProperty("java.home"),
                "/opt/ccrouter/ccrouter.jar", packagedJar().toString(),
                // not made here (training takes half a minute): a unit started before the cache exists still serves
                "/opt/ccrouter/ccrouter.aot", stateDirectory.resolve("ccrouter.aot").toString(),
                "/var/lib/ccrouter", stateDirectory.toString());
        List<String> command = unit.execStart().stream().map(word -> substitute(word, installPaths)).toList();
        ProcessBuilder builder = new ProcessBuilder(command).directory(stateDirectory.toFile())
                .redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.clear();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", stateDirectory.toString());
        unit.environment().forEach((name, value) -> env.put(name, substitute(value, installPaths)));
        env.put("CCROUTER_PORT", "0");
        env.put("OPENROUTER_BASE_URL", upstream.baseUrl()); // its price refresh stays on this machine

        Process gateway = builder.start();
        try {
            StringBuilder output = new StringBuilder();
            CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> listeningPort(gateway, output));
            int listening = port.get(60, TimeUnit.SECONDS);

            HttpResponse<String> health = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listening + "/health"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).as(output.toString()).isEqualTo(200);
            JsonNode body = new ObjectMapper().readTree(health.body());
            assertThat(body.path("status").asText()).isEqualTo("ok");
            assertThat(body.path("upstream").asText()).isEqualTo(upstream.baseUrl());
            assertThat(body.path("pid").asLong()).as("the process systemd supervises is the gateway, not a relauncher")
                    .isEqualTo(gateway.pid());
            assertThat(gateway.descendants().count()).as("no second JVM").isZero();

            gateway.destroy(); // SIGTERM, as systemctl stop sends
            assertThat(gateway.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
            assertThat(unit.successExitStatuses()).as("a SIGTERM stop is a success to systemd, not a failure")
                    .contains(gateway.exitValue());
        } finally {
            gateway.destroyForcibly();
        }
    }

    private static Path packagedJar() {
        Path jar = Path.of("target/ccrouter.jar").toAbsolutePath();
        assertThat(jar).as("the packaged jar (this test runs after mvn package)").isRegularFile();
        return jar;
    }

    private static String substitute(String word, Map<String, String> installPaths) {
        String result = word;
        for (Map.Entry<String, String> path : installPaths.entrySet()) {
            result = result.replace(path.getKey(), path.getValue());
        }
        return result;
    }

    /** Reads the gateway's output until it logs its address, then keeps draining it so that the pipe never fills. */
    private static int listeningPort(Process gateway, StringBuilder output) {
        BufferedReader lines = new BufferedReader(new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8));
        try {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                output.append(line).append('\n');
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    Thread.ofVirtual().start(() -> drain(lines));
                    return Integer.parseInt(matcher.group(1));
                }
            }
            throw new IllegalStateException("the gateway ended without listening:\n" + output);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void drain(BufferedReader lines) {
        try {
            lines.transferTo(Writer.nullWriter());
        } catch (IOException closed) {
            // the process ended and Java closed its output: nothing left to drain
        }
    }

    /** The parts of a systemd unit file's {@code [Service]} section this test runs. */
    record SystemdUnit(List<String> execStart, Map<String, String> environment, List<Integer> successExitStatuses) {
        static SystemdUnit read(Path file) throws IOException {
            List<String> execStart = List.of();
            Map<String, String> environment = new LinkedHashMap<>();
            List<Integer> success = new ArrayList<>(List.of(0)); // 0 always; the unit names others
            boolean service = false;
            for (String raw : Files.readAllLines(file)) {
                String line = raw.strip();
                if (line.startsWith("[")) {
                    service = line.equals("[Service]");
                }
                if (!service || line.startsWith("#") || !line.contains("=")) {
                    continue;
                }
                String key = line.substring(0, line.indexOf('='));
                String value = line.substring(line.indexOf('=') + 1);
                switch (key) {
                    case "ExecStart" -> {
                        assertThat(value).as("this reader splits on spaces only").doesNotContain("\"", "'", "$", "\\");
                        execStart = List.of(value.split("\\s+"));
                    }
                    case "Environment" -> {
                        assertThat(value).as("one unquoted assignment per line").doesNotContain("\"", " ");
                        environment.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
                    }
                    case "SuccessExitStatus" -> List.of(value.split("\\s+")).forEach(s -> success.add(Integer.parseInt(s)));
                    default -> {
                    }
                }
            }
            return new SystemdUnit(execStart, environment, success);
        }
    }
}
