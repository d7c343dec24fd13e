package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.Canary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after the whole test suite ({@code mvn verify}: a second surefire execution in {@code prepare-package}) and reads
 * every test class's captured output — all log lines of every server the suite started — for the canary key that
 * {@link SecretsTest} pushes through every path that handles a key. Its name does not end in {@code Test}, so the
 * ordinary test run does not pick it up before there is anything to scan.
 */
class LogCanaryScan {
    static final Path REPORTS = Path.of("target", "surefire-reports");

    @Test
    void noTestOutputHoldsAnyTwelveCharactersOfTheCanaryKey() throws IOException {
        assertThat(REPORTS.resolve("TEST-dev.ccrouter.server.SecretsTest.xml"))
                .as("the suite ran SecretsTest, which sends the canary through the gateway").exists();
        List<Path> outputs;
        try (Stream<Path> files = Files.list(REPORTS)) {
            outputs = files.filter(file -> file.getFileName().toString().endsWith("-output.txt")).sorted().toList();
        }
        assertThat(outputs).as("captured test output").isNotEmpty();
        for (Path output : outputs) {
            String text = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(Canary.findIn(text)).as("canary run in %s", output.getFileName()).isEmpty();
        }
    }

    @Test
    void theScanWouldSeeTheKeyInAnyCase() {
        assertThat(Canary.findIn("x-api-key: " + Canary.KEY.substring(7, 19).toUpperCase())).isPresent();
    }
}
