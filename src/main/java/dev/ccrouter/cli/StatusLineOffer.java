package dev.ccrouter.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code ccrouter code} does about Claude Code's status line: it offers to show this session's cost and tokens
 * there ({@code ccrouter statusline}) when none is set, asking once on a terminal; {@code --statusline} sets it
 * without asking (replacing the user's own), {@code --no-statusline} leaves the settings alone. A status line the
 * user set is never replaced unless asked, and a "no" is remembered in the data directory.
 */
final class StatusLineOffer {
    /** Characters a shell takes literally in a command word. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./+:@%=-]+");

    /** What the user asked for with the flags. */
    enum Choice {
        /** Neither flag: offer when none is set. */
        OFFER,
        /** {@code --statusline}. */
        SET,
        /** {@code --no-statusline}. */
        LEAVE
    }

    /** A yes-or-no question to the user; empty when nobody can answer (no terminal, a one-shot {@code -p}). */
    interface Question {
        Optional<Boolean> ask(String question);

        /** The terminal's answer: yes unless it starts with n. */
        static Question console() {
            return question -> {
                Console console = System.console();
                if (console == null) {
                    return Optional.empty();
                }
                String answer = console.readLine("%s", question);
                return Optional.of(answer == null || !answer.strip().toLowerCase(Locale.ROOT).startsWith("n"));
            };
        }
    }

    private final ClaudeSettings settings;
    private final Path declined;
    private final Optional<String> command;

    /**
     * @param env     the environment: {@code HOME} for the settings, {@code CCROUTER_LAUNCHER} for the command
     * @param dataDir where a "no" is remembered
     */
    StatusLineOffer(Map<String, String> env, Path dataDir) {
        this.settings = ClaudeSettings.of(env);
        this.declined = dataDir.resolve("statusline-declined");
        this.command = Optional.ofNullable(env.get("CCROUTER_LAUNCHER")).filter(path -> !path.isBlank())
                .map(path -> (PLAIN.matcher(path).matches() ? path : "'" + path.replace("'", "'\\''") + "'")
                        + " statusline");
    }

    /** The status-line command: the launcher that runs this, which answers without starting a JVM. */
    Optional<String> command() {
        return command;
    }

    /** Does what the choice says; returns what to tell the user, if anything. */
    Optional<String> apply(Choice choice, Question question) {
        if (choice == Choice.LEAVE) {
            return Optional.empty();
        }
        if (command.isEmpty()) {
            return choice == Choice.SET ? Optional.of("--statusline needs the ./ccrouter launcher (it is the "
                    + "status-line command); Claude Code's settings were left alone") : Optional.empty();
        }
        try {
            ClaudeSettings.StatusLine current = settings.statusLine(command.get());
            if (current == ClaudeSettings.StatusLine.OURS) {
                return Optional.empty();
            }
            if (choice == Choice.OFFER) {
                if (current == ClaudeSettings.StatusLine.OTHER || Files.exists(declined)) {
                    return Optional.empty();
                }
                Optional<Boolean> yes = question.ask("ccrouter: show this session's cost, tokens and cache hits in "
                        + "Claude Code's status line (sets statusLine in " + settings.file() + ")? [Y/n] ");
                if (yes.isEmpty()) {
                    return Optional.empty();
                }
                if (!yes.get()) {
                    Files.createDirectories(declined.getParent());
                    Files.writeString(declined, "ccrouter code does not offer the status line again; "
                            + "ccrouter code --statusline sets it\n");
                    return Optional.of("left Claude Code's status line alone; ccrouter code --statusline sets it later");
                }
            }
            settings.setStatusLine(command.get());
            return Optional.of("Claude Code's status line shows this session's cost now (statusLine in "
                    + settings.file() + "; ccrouter code --no-statusline never touches it)");
        } catch (IOException e) {
            return Optional.of("Claude Code's status line was not set: " + e.getMessage());
        }
    }
}
