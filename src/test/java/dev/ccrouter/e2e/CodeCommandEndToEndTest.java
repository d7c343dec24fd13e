package dev.ccrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.cli.Main;
import dev.ccrouter.testing.ClaudeCli;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.ScriptedModel;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two ways in, with the real Claude Code CLI and a scripted model behind the gateway: {@code ccrouter code -p …}
 * (as its own process, starting its own gateway), and the configuration {@code /install.sh} writes. Needs
 * {@link ClaudeCli}.
 */
class CodeCommandEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "sk-test-e2e";
    static ScriptedModel model;
    static String claude;

    @TempDir
    static Path home;

    @TempDir
    Path work;

    @BeforeAll
    static void start() throws IOException {
        claude = ClaudeCli.require();
        model = ScriptedModel.start(0);
    }

    @AfterAll
    static void stop() {
        if (model != null) {
            model.close();
        }
    }

    /**
     * No Claude Code settings at all but a key, as a user would have. The inherited model variables point at another
     * provider and must not reach Claude Code: the gateway's mapping decides.
     */
    private Map<String, String> userEnvironment(ProcessBuilder builder) {
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("ANTHROPIC_") || name.startsWith("CLAUDE") || name.startsWith("CCROUTER_"));
        env.put("HOME", home.toString());
        env.put("PATH", new File(claude).getParent() + File.pathSeparator + env.getOrDefault("PATH", ""));
        env.put("CCROUTER_CLAUDE_BIN", claude);
        return env;
    }

    @Test
    void ccrouterCodeAnswersThroughTheGatewayItStarts() throws Exception {
        Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true}");
        Path dataDir = work.resolve("data");
        int port = freePort();
        try {
            Result first = ccrouterCode(dataDir, port, "-p", "Say hi", "--output-format", "json");
            assertThat(first.json().path("result").asText()).isEqualTo("Hello from the scripted model.");
            assertThat(first.stderr()).startsWith("ccrouter: started a gateway on http://127.0.0.1:" + port + " (pid ");
            assertThat(model.requests().getLast().path("model").asText())
                    .as("Claude Code's default name, mapped by the gateway").isEqualTo("anthropic/claude-opus-4.6");

            Result second = ccrouterCode(dataDir, port, "-p", "Say hi", "--output-format", "json", "--model", "haiku");
            assertThat(second.json().path("result").asText()).isEqualTo("Hello from the scripted model.");
            assertThat(second.stderr()).as("the first run's gateway serves the second").isEmpty();
            assertThat(model.requests().getLast().path("model").asText()).isEqualTo("anthropic/claude-haiku-4.5");
        } finally {
            Path pidFile = dataDir.resolve("ccrouter.pid");
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(gateway -> {
                    gateway.destroy();
                    gateway.onExit().orTimeout(30, TimeUnit.SECONDS).join();
                });
            }
        }
    }

    record Result(JsonNode json, String stderr) {
    }

    /** {@code ccrouter code args…} as a user runs it: its own JVM, on this build's class path. */
    private Result ccrouterCode(Path dataDir, int port, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "code"));
        command.addAll(List.of(args));
        Path stderr = work.resolve("code.stderr");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(stderr.toFile());
        Map<String, String> env = userEnvironment(builder);
        env.put("OPENROUTER_API_KEY", KEY);
        env.put("OPENROUTER_BASE_URL", model.baseUrl());
        env.put("CCROUTER_PORT", String.valueOf(port));
        env.put("CCROUTER_DATA_DIR", dataDir.toString());
        env.put("ANTHROPIC_MODEL", "kimi-k2.5");
        env.put("ANTHROPIC_SMALL_FAST_MODEL", "kimi-k2-turbo-preview");
        Process process = builder.start();
        String stdout = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String errors = Files.readString(stderr);
        assertThat(process.exitValue()).as("stdout: %s; stderr: %s", stdout, errors).isZero();
        return new Result(JSON.readTree(stdout), errors);
    }

    @Test
    void installerConfigurationWorksWithTheRealClaudeCode() throws Exception {
        try (RunningGateway gateway = RunningGateway.start(model.baseUrl(), config -> config)) {
            Path userHome = Files.createDirectories(work.resolve("home"));
            Path script = work.resolve("install.sh");
            Files.writeString(script, HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/install.sh")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());

            String install = run(userHome, "bash", script.toString(), "--skip-node", "--skip-claude");
            assertThat(install).contains("==> The gateway answers at " + gateway.baseUrl());

            String answer = run(userHome, "bash", "-c", "source ~/.bashrc && claude -p 'Say hi' --output-format json");
            assertThat(JSON.readTree(answer).path("result").asText()).isEqualTo("Hello from the scripted model.");
            assertThat(model.requests().getLast().path("model").asText())
                    .as("the installer's main model, a Claude name the gateway maps").isEqualTo("anthropic/claude-opus-4.6");
        }
    }

    private String run(Path userHome, String... command) throws Exception {
        Path stderr = work.resolve("run.stderr");
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(stderr.toFile());
        Map<String, String> env = userEnvironment(builder);
        env.put("HOME", userHome.toString());
        env.put("SHELL", "/bin/bash");
        env.put("CCROUTER_KEY", KEY);
        Process process = builder.start();
        String stdout = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("stdout: %s; stderr: %s", stdout, Files.readString(stderr)).isZero();
        return stdout;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
