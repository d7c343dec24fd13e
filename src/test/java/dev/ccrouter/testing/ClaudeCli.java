package dev.ccrouter.testing;

import java.io.File;
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
