package dev.ccrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The real Claude Code CLI for end-to-end tests: {@code CCROUTER_CLAUDE_BIN}, else {@code claude} on the PATH. Tests
 * that need it are skipped when it is missing, unless {@code CCROUTER_REQUIRE_CLAUDE=1} (set by {@code .ci/run}, which
 * installs the pinned version) makes that a failure.
 */
public final class ClaudeCli {

    private ClaudeCli() {
    }

    /** The program's path; skips the calling test class when there is none and it is not required. */
    public static String require() {
        String claude = find();
        if (claude == null && "1".equals(System.getenv("CCROUTER_REQUIRE_CLAUDE"))) {
            throw new IllegalStateException("CCROUTER_REQUIRE_CLAUDE=1 but no claude binary was found");
        }
        Assumptions.assumeTrue(claude != null, "Claude Code is not installed (npm install -g @anthropic-ai/claude-code)");
        return claude;
    }

    /**
     * Runs {@code claude -p PROMPT --output-format json --model MODEL} in {@code work} against a gateway, as a user
     * with {@code home} (no login, no telemetry, no updates), and returns its JSON result after checking that it
     * succeeded. {@code environment} adds or overrides variables (say, {@code CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC}).
     */
    public static JsonNode print(String claude, Path home, Path work, String gatewayUrl, String prompt, String model,
                                 Map<String, String> environment) throws IOException, InterruptedException {
        if (!Files.exists(home.resolve(".claude.json"))) {
            Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true}");
        }
        ProcessBuilder builder = new ProcessBuilder(claude, "-p", prompt, "--output-format", "json", "--model", model)
                .directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))) // -p waits for piped stdin otherwise
                .redirectError(work.resolve("claude.stderr").toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("ANTHROPIC_") || name.startsWith("CLAUDE"));
        env.put("HOME", home.toString());
        env.put("ANTHROPIC_BASE_URL", gatewayUrl);
        env.put("ANTHROPIC_API_KEY", "sk-test-e2e");
        env.put("DISABLE_TELEMETRY", "1");
        env.put("DISABLE_AUTOUPDATER", "1");
        env.put("DISABLE_ERROR_REPORTING", "1");
        env.putAll(environment);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("claude finished").isTrue();
        String stdout = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("claude exit code; stdout: %s; stderr: %s", stdout,
                Files.readString(work.resolve("claude.stderr"))).isZero();
        JsonNode result = new ObjectMapper().readTree(stdout);
        assertThat(result.path("is_error").asBoolean(true)).as("claude result: %s", stdout).isFalse();
        return result;
    }

    private static String find() {
        String configured = System.getenv("CCROUTER_CLAUDE_BIN");
        if (configured != null && new File(configured).canExecute()) {
            return configured;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "claude");
            if (candidate.canExecute()) {
                return candidate.getAbsolutePath();
            }
        }
        return null;
    }
}
