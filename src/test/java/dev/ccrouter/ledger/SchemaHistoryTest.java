package dev.ccrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SchemaHistoryTest {
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.*\\.sql");

    @Test
    void theKnownMigrationsAreExactlyTheOnesBundled() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/ccrouter/db/ledger"))) {
            assertThat(files.map(file -> MIGRATION.matcher(file.getFileName().toString()))
                    .filter(Matcher::matches).map(matcher -> matcher.group(1)).sorted(Comparator.comparingInt(Integer::parseInt)).toList())
                    .as("a new migration is added to SchemaHistory.MIGRATIONS too, or every start runs Flyway")
                    .isEqualTo(SchemaHistory.MIGRATIONS);
        }
    }
}
