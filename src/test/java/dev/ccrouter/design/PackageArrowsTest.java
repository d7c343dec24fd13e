package dev.ccrouter.design;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The arrows of docs/design.md, checked on the sources: every reference from one room (package) to another must be
 * one the table allows. A new package fails here until it is given its row, which is the moment to say in the
 * design where it sits.
 */
class PackageArrowsTest {
    private static final Path MAIN = Path.of("src/main/java/dev/ccrouter");
    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.ccrouter\\.([a-z]+(?:\\.[a-z]+)?)");

    /** Room → the rooms it may use. Keep in step with the table in docs/design.md. */
    private static final Map<String, Set<String>> MAY_USE = Map.ofEntries(
            Map.entry("api.anthropic", Set.of()),
            Map.entry("api.openai", Set.of()),
            Map.entry("config", Set.of()),
            Map.entry("http", Set.of()),
            Map.entry("translate", Set.of("api.anthropic", "api.openai")),
            Map.entry("billing", Set.of("api.anthropic", "api.openai")),
            Map.entry("route", Set.of("config", "translate", "api.anthropic")),
            Map.entry("upstream", Set.of("config", "api.anthropic", "api.openai")),
            Map.entry("relay", Set.of("translate", "upstream", "api.anthropic", "api.openai")),
            Map.entry("ledger", Set.of("config", "billing", "api.anthropic")),
            Map.entry("metrics", Set.of("config", "billing", "ledger", "api.anthropic")),
            Map.entry("server", Set.of("http", "config", "route", "translate", "billing", "upstream", "relay", "ledger",
                    "metrics", "rehearsal", "api.anthropic", "api.openai")),
            Map.entry("cli", Set.of("config", "server", "ledger", "route", "billing", "api.anthropic")),
            Map.entry("rehearsal", Set.of("http")),
            Map.entry("training", Set.of("http", "cli", "config", "server", "rehearsal")));

    @Test
    void everyReferenceBetweenRoomsFollowsAnArrow() throws IOException {
        List<String> wrongWay = new ArrayList<>();
        Set<String> unknownRooms = new TreeSet<>();
        int scanned = 0;
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                scanned++;
                String room = roomOf(file);
                Set<String> allowed = MAY_USE.get(room);
                if (allowed == null) {
                    unknownRooms.add(room);
                    continue;
                }
                Matcher reference = REFERENCE.matcher(read(file));
                while (reference.find()) {
                    String target = room(reference.group(1));
                    if (!target.equals(room) && !allowed.contains(target)) {
                        wrongWay.add(MAIN.relativize(file) + " → " + target);
                    }
                }
            }
        }
        assertThat(scanned).as("source files read").isGreaterThan(50);
        assertThat(unknownRooms).as("packages without a row in the design's table").isEmpty();
        assertThat(wrongWay).as("references against the arrows").isEmpty();
    }

    private static String roomOf(Path file) {
        return room(MAIN.relativize(file.getParent()).toString().replace('/', '.'));
    }

    /** {@code api.anthropic.X} is the room {@code api.anthropic}; {@code server.sub} is {@code server}. */
    private static String room(String packageName) {
        String[] parts = packageName.split("\\.");
        return parts[0].equals("api") && parts.length > 1 ? "api." + parts[1] : parts[0];
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
