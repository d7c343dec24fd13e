package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code serve}'s flags read without picocli mean what picocli reads them to mean, and whatever they do not read
 * plainly (help, version, errors) still gets picocli's answer; a plain {@code serve} loads no picocli class.
 */
class ServeArgumentsTest {
    @TempDir
    Path dir;

    @Test
    void everyFlagInBothSpellingsIsRead() {
        assertThat(Main.plainServe("serve", "--port", "0", "--host", "::1", "--upstream=http://127.0.0.1:9/v1?a=b",
                "--config", "ccr.yaml", "--data-dir=/var/lib/ccrouter", "--exit-when-ready"))
                .contains(new ServeArguments(new ConfigLoader.Flags(0, "::1", "http://127.0.0.1:9/v1?a=b",
                        Path.of("ccr.yaml"), Path.of("/var/lib/ccrouter")), true));
        assertThat(Main.plainServe("serve", "--port=08787"))
                .contains(new ServeArguments(new ConfigLoader.Flags(8787, null, null, null, null), false));
        assertThat(Main.plainServe("serve")).contains(new ServeArguments(ConfigLoader.Flags.NONE, false));
    }

    @Test
    void helpVersionAndMistakesAreLeftToPicocli() {
        List<List<String>> toPicocli = List.of(List.of("--help"), List.of("-h"), List.of("-V"), List.of("--version"),
                List.of("--port", "abc"), List.of("--port", "-5"), List.of("--port", "1234567890"), List.of("--bogus"),
                List.of("--port"), List.of("extra"), List.of("--port", "1", "--port", "2"), List.of("--host", "--port"),
                List.of("--host="), List.of("@args.txt"), List.of("--config", "@args.txt"), List.of("--", "--port"),
                List.of("--exit-when-ready", "--exit-when-ready"), List.of("--exit-when-ready=true"),
                List.of("--data-dir", "a\0b"));
        for (List<String> arguments : toPicocli) {
            assertThat(ServeArguments.read(arguments)).as("%s", arguments).isEmpty();
        }
        assertThat(Main.plainServe()).isEmpty();
        assertThat(Main.plainServe("--help", "serve")).isEmpty();
        assertThat(Main.plainServe("start", "--port", "0")).isEmpty();
    }

    @Test
    void picocliStillAnswersWhatIsNotPlain() {
        StringWriter err = new StringWriter();
        CommandLine line = Main.commandLine("serve", "--port", "1", "--port", "2");
        line.setErr(new PrintWriter(err));
        assertThat(line.execute("serve", "--port", "1", "--port", "2")).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("option '--port' (<port>) should be specified only once\n"
                + "'ccrouter serve --help' lists its options.\n");

        StringWriter out = new StringWriter();
        CommandLine help = Main.commandLine("serve", "--help");
        help.setOut(new PrintWriter(out));
        assertThat(help.execute("serve", "--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: ccrouter serve [-hV] [--config=<config>] [--data-dir=<dataDir>]\n")
                .contains("      --port=<port>          Port to listen on (CCROUTER_PORT, default 8787).\n");
    }

    /** Whenever the arguments are read without picocli, picocli reads the very same values from them. */
    @Property(tries = 2000)
    void whatIsReadPlainlyPicocliReadsAlike(@ForAll("commandLines") List<String> arguments) {
        Optional<ServeArguments> plain = ServeArguments.read(arguments);
        Statistics.label("read plainly").collect(plain.isPresent());
        if (plain.isEmpty()) {
            return;
        }
        ServeCommand command = new ServeCommand(Map.of());
        CommandLine.ParseResult parsed = new CommandLine(command).parseArgs(arguments.toArray(String[]::new));
        assertThat(parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested()).isFalse();
        assertThat(plain.get()).isEqualTo(new ServeArguments(new ConfigLoader.Flags(command.port, command.host,
                command.upstream, command.config, command.dataDir), command.exitWhenReady));
    }

    @Provide
    Arbitrary<List<String>> commandLines() {
        Arbitrary<String> names = Arbitraries.of("--port", "--host", "--upstream", "--config", "--data-dir",
                "--exit-when-ready", "-h", "--help", "-V", "--por", "--Port", "-port", "serve", "--");
        Arbitrary<String> values = Arbitraries.oneOf(
                Arbitraries.of("0", "8787", "08787", "65536", "999999999", "1234567890", "-1", "+1", "0x10", "1.5",
                        "", " ", "::1", "0.0.0.0", "localhost", "http://127.0.0.1:9/v1", "http://h/v1?a=b=c",
                        "ccr.yaml", "/tmp/d", "dir with spaces", "@args", "-x", "--port", "=", "a=b", "\"q\""),
                Arbitraries.strings().ofMaxLength(6));
        Arbitrary<String> joined = Arbitraries.of("--port", "--host", "--upstream", "--config", "--data-dir",
                "--exit-when-ready").flatMap(name -> values.map(value -> name + "=" + value));
        Arbitrary<String> word = Arbitraries.frequencyOf(
                Tuple.of(4, names), Tuple.of(4, values), Tuple.of(2, joined));
        return word.list().ofMaxSize(8);
    }

    /** The point of it: {@code serve} starts, answers itself once and exits without loading a class of picocli's. */
    @Test
    void aPlainServeLoadsNoPicocliClass() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process serve = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xlog:class+load=info:file=" + dir.resolve("classes.txt"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--port", "0", "--data-dir", dir.toString(), "--upstream", "http://127.0.0.1:9/v1",
                "--exit-when-ready")
                .redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        assertThat(serve.waitFor(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS)).isTrue();

        assertThat(serve.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
        List<String> classes = Files.readAllLines(dir.resolve("classes.txt"));
        assertThat(classes).anyMatch(line -> line.contains(" dev.ccrouter.server.GatewayServer "));
        assertThat(classes).noneMatch(line -> line.contains(" picocli."));
    }
}
