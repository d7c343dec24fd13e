package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ccrouter.training.AotTraining;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up cache as the launcher trains it (JDK 25+): a start of the packaged jar with it (on a ledger made
 * before, as every start but the first) finds every class of ours it loads in the cache. One that is not was loaded
 * from the jar and verified before "listening", on whichever thread needed it first: the one such class, the heap
 * check {@code main} runs first ({@link BoundedHeap}), was read and verified in ≈ 5 of the 16–24 ms that check took
 * (docs/benchmarks.md, "Every command's first 15 ms"). Nothing else would say so: such a start only runs slower.
 * Runs after {@code package}; the training takes 10–30 s.
 */
class TrainedStartIT {
    @TempDir
    Path dir;

    @Test
    void aStartLoadsNoClassOfOursFromTheJar() throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the ahead-of-time cache is JDK 25's");
        Path jar = Path.of("target/ccrouter.jar").toAbsolutePath();
        assertThat(jar).as("the packaged jar (this test runs after mvn package)").isRegularFile();
        Path cache = dir.resolve("ccrouter.aot");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

        // as the launcher trains it: its run flags, the cache's output, no method profiles
        List<String> training = new ArrayList<>(List.of(java));
        training.addAll(BoundedHeap.FLAGS); // the launcher's run flags (BoundedHeapTest holds them equal)
        training.addAll(List.of("-XX:AOTCacheOutput=" + cache, "-XX:+UnlockDiagnosticVMOptions",
                "-XX:-AOTRecordTraining", "-Xlog:aot*=off", "-Xlog:cds*=off", "-cp", jar.toString(),
                AotTraining.class.getName()));
        assertThat(run(training, "training.txt")).as(Files.readString(dir.resolve("training.txt"))).isZero();
        assertThat(cache).isRegularFile();

        // The first start creates the ledger (its migration is left out of the cache on purpose: AotTraining), the
        // second is every later one's.
        Path classes = dir.resolve("classes.txt");
        List<String> start = new ArrayList<>(List.of(java));
        start.addAll(BoundedHeap.FLAGS);
        start.addAll(List.of("-XX:AOTCache=" + cache, "-Xlog:aot*=off", "-Xlog:cds*=off", "-jar", jar.toString(),
                "serve", "--port", "0", "--data-dir", dir.resolve("data").toString(),
                "--upstream", "http://127.0.0.1:9/v1", "--exit-when-ready"));
        assertThat(run(start, "first-start.txt")).as(Files.readString(dir.resolve("first-start.txt"))).isZero();
        start.add(1, "-Xlog:class+load=info:file=" + classes);
        assertThat(run(start, "start.txt")).as(Files.readString(dir.resolve("start.txt"))).isZero();

        List<String> ours = Files.readAllLines(classes).stream().filter(line -> line.contains(" dev.ccrouter."))
                .toList();
        assertThat(ours).as("classes of ours the start loaded from the cache").filteredOn(TrainedStartIT::fromTheCache)
                .hasSizeGreaterThan(300);
        assertThat(ours).as("classes of ours the start loaded from elsewhere")
                .filteredOn(line -> !fromTheCache(line)).isEmpty();
    }

    private static boolean fromTheCache(String classLoadLine) {
        return classLoadLine.endsWith("source: shared objects file");
    }

    private int run(List<String> command, String output) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(output).toFile());
        // the user's gateway settings reach neither JVM, as the launcher keeps them from its training
        builder.environment().keySet().removeIf(name -> name.startsWith("CCROUTER_")
                || name.equals("OPENROUTER_BASE_URL"));
        Process process = builder.start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).as(String.join(" ", command)).isTrue();
        return process.exitValue();
    }
}
