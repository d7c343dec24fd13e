package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every YAML example the README and docs/ show is a configuration a user can copy: {@code ccrouter config check} takes
 * it as it is, with its {@code ${VAR}}s set, as {@code serve} would.
 */
class DocumentedExamplesTest {
    private static final Pattern YAML_BLOCK = Pattern.compile("```ya?ml\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    @TempDir
    Path dir;

    @Test
    void everyYamlExampleInTheDocsPassesConfigCheck() throws IOException {
        List<String> refused = new ArrayList<>();
        for (Example example : examples()) {
            StringWriter err = new StringWriter();
            int status = new CommandLine(new ConfigCommand(environment(example.yaml())))
                    .setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
                    .execute("check", example.file().toString());
            if (status != 0) {
                refused.add(example.where() + ": " + err.toString().strip());
            }
        }
        assertThat(refused).as("YAML examples that ccrouter config check refuses").isEmpty();
    }

    /**
     * And a gateway starts on it: {@code serve} builds every provider the example names (a preset alone gives its
     * address), on a port of its own, with its ledger in the test's folder (an example's PostgreSQL URL is replaced:
     * no database runs here). The examples had passed {@code config check} while {@code serve} failed on a provider
     * given by its preset alone.
     */
    @Test
    void aGatewayStartsOnEveryYamlExampleInTheDocs() throws IOException {
        List<String> refused = new ArrayList<>();
        for (Example example : examples()) {
            Map<String, String> env = environment(example.yaml());
            env.put("CCROUTER_LEDGER_URL", "jdbc:sqlite:" + example.file() + ".ledger.db");
            StringWriter err = new StringWriter();
            int status = new CommandLine(new ServeCommand(env))
                    .setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err))
                    .execute("--config", example.file().toString(), "--host", "127.0.0.1", "--port", "0",
                            "--data-dir", example.file() + ".data", "--exit-when-ready");
            if (status != 0) {
                refused.add(example.where() + ": " + err.toString().strip());
            }
        }
        assertThat(refused).as("YAML examples on which serve does not start").isEmpty();
    }

    /**
     * One YAML example, written to a file of its own.
     *
     * @param where the document and line it starts at
     */
    private record Example(String where, Path file, String yaml) {
    }

    /** Every YAML block of the README and docs/, at least the seven the docs have long shown. */
    private List<Example> examples() throws IOException {
        List<Example> examples = new ArrayList<>();
        for (Path doc : documents()) {
            String text = Files.readString(doc);
            Matcher block = YAML_BLOCK.matcher(text);
            while (block.find()) {
                String where = doc + ":" + (text.substring(0, block.start()).lines().count() + 1);
                Path file = dir.resolve("example-" + (examples.size() + 1) + ".yaml");
                examples.add(new Example(where, Files.writeString(file, block.group(1)), block.group(1)));
            }
        }
        assertThat(examples).hasSizeGreaterThanOrEqualTo(7);
        return examples;
    }

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    /** HOME in the test's folder, and every variable the example names set to a key-like value. */
    private Map<String, String> environment(String example) {
        Map<String, String> env = new HashMap<>(Map.of("HOME", dir.toString()));
        Matcher variable = VARIABLE.matcher(example);
        while (variable.find()) {
            env.put(variable.group(1), "example-" + variable.group(1).toLowerCase() + "-0123456789");
        }
        return env;
    }
}
