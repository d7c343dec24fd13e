package dev.ccrouter.cli;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Where the Claude Code CLI is: {@code CCROUTER_CLAUDE_BIN} when set, else the first {@code claude} on the PATH. */
final class ClaudeBinary {
    static final String NOT_INSTALLED = "Claude Code is not installed: npm install -g @anthropic-ai/claude-code "
            + "(or set CCROUTER_CLAUDE_BIN to the claude program)";

    private ClaudeBinary() {
    }

    /**
     * The program, or empty when there is none.
     *
     * @throws IllegalArgumentException when {@code CCROUTER_CLAUDE_BIN} names something that is not a program: a
     *                                  silent fall back to the PATH would run a Claude Code the user did not choose
     */
    static Optional<Path> find(Map<String, String> env) {
        String configured = env.get("CCROUTER_CLAUDE_BIN");
        if (configured != null && !configured.isBlank()) {
            Path program = Path.of(configured.strip());
            if (!isProgram(program)) {
                throw new IllegalArgumentException("CCROUTER_CLAUDE_BIN=" + configured.strip()
                        + " is not an executable file");
            }
            return Optional.of(program);
        }
        for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, "claude");
                if (isProgram(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isProgram(Path path) {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }
}
