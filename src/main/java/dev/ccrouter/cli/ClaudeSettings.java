package dev.ccrouter.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

/**
 * Claude Code's user settings, {@code ~/.claude/settings.json}, as far as the status line goes. The file holds the
 * user's other settings (permissions, hooks, an {@code env} that may carry keys): they are kept as they are, in their
 * order, and the file keeps its permissions; a new file is made readable by its owner alone.
 */
final class ClaudeSettings {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Laid out as Claude Code (and {@code JSON.stringify(settings, null, 2)}) writes the file. */
    private static final ObjectWriter LAYOUT = JSON.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""))
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n"))
            .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n")));
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");

    /** What the settings say about the status line. */
    enum StatusLine {
        /** None is set. */
        NONE,
        /** This command is set already. */
        OURS,
        /** The user set another one. */
        OTHER
    }

    private final Path file;

    ClaudeSettings(Path file) {
        this.file = file;
    }

    /** {@code $HOME/.claude/settings.json}. */
    static ClaudeSettings of(Map<String, String> env) {
        return new ClaudeSettings(Path.of(env.getOrDefault("HOME", System.getProperty("user.home")),
                ".claude", "settings.json"));
    }

    Path file() {
        return file;
    }

    /** @throws IOException when the file cannot be read or is not a JSON object */
    StatusLine statusLine(String command) throws IOException {
        JsonNode current = read().get("statusLine");
        if (current == null || current.isNull()) {
            return StatusLine.NONE;
        }
        return "command".equals(current.path("type").asText()) && command.equals(current.path("command").asText())
                ? StatusLine.OURS : StatusLine.OTHER;
    }

    /**
     * Sets {@code "statusLine": {"type": "command", "command": …}}, replacing any other, keeping every other setting.
     *
     * @throws IOException when the file cannot be read, is not a JSON object, or cannot be written
     */
    void setStatusLine(String command) throws IOException {
        ObjectNode settings = read();
        settings.putObject("statusLine").put("type", "command").put("command", command);
        // A settings file linked from a dotfiles checkout stays a link: the file it points to is what changes.
        Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file;
        Files.createDirectories(target.getParent());
        Path next = Files.createTempFile(target.getParent(), "settings.json.", ".tmp",
                PosixFilePermissions.asFileAttribute(PRIVATE));
        try {
            Files.writeString(next, LAYOUT.writeValueAsString(settings) + "\n");
            if (Files.exists(target)) {
                Files.setPosixFilePermissions(next, Files.getPosixFilePermissions(target));
            }
            // Whole or not at all: Claude Code may read the file at any moment.
            Files.move(next, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(next);
        }
    }

    private ObjectNode read() throws IOException {
        if (!Files.exists(file)) {
            return JSON.createObjectNode();
        }
        String text = Files.readString(file);
        if (text.isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            if (JSON.readTree(text) instanceof ObjectNode settings) {
                return settings;
            }
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not valid JSON: " + e.getOriginalMessage());
        }
        throw new IOException(file + " does not hold a JSON object");
    }
}
