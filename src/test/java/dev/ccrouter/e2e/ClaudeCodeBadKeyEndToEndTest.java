package dev.ccrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.ClaudeCli;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wrong or expired key, with the real Claude Code: the upstream refuses it with 401, the gateway says retrying
 * cannot help ({@code x-should-retry: false}), and Claude Code gives up after that one call with a message naming the
 * problem — not after ten retries and three minutes. Needs {@link ClaudeCli}.
 */
class ClaudeCodeBadKeyEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @TempDir
    Path work;

    @Test
    void aRefusedKeyFailsWithinSecondsAfterOneUpstreamCall() throws Exception {
        String claude = ClaudeCli.require();
        try (FakeUpstream upstream = FakeUpstream.start();
             RunningGateway gateway = RunningGateway.start(upstream, config -> config)) {
            upstream.answer(FakeUpstream.json(401, "{\"error\":{\"message\":\"User not found.\",\"code\":401}}"));
            Files.writeString(home.resolve(".claude.json"), "{\"hasCompletedOnboarding\":true}");
            ProcessBuilder builder = new ProcessBuilder(claude, "-p", "Say hi", "--output-format", "json")
                    .directory(work.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectError(work.resolve("claude.stderr").toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("ANTHROPIC_") || name.startsWith("CLAUDE"));
            env.put("HOME", home.toString());
            env.put("ANTHROPIC_BASE_URL", gateway.baseUrl());
            env.put("ANTHROPIC_AUTH_TOKEN", "sk-or-v1-expired");
            env.put("ANTHROPIC_API_KEY", "");
            env.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1");
            env.put("DISABLE_AUTOUPDATER", "1");

            long begun = System.nanoTime();
            Process process = builder.start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("claude finished").isTrue();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begun);

            JsonNode result = JSON.readTree(stdout);
            assertThat(result.path("is_error").asBoolean()).as(stdout).isTrue();
            assertThat(result.path("result").asText()).as(stdout).contains("401", "User not found.");
            assertThat(process.exitValue()).isNotZero();
            assertThat(upstream.requests()).as("one call: no retries").hasSize(1);
            assertThat(seconds).as("seconds until Claude Code gave up (it took about 180 with retries)")
                    .isLessThan(20);
        }
    }
}
