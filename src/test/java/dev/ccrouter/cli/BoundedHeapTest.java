package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoundedHeapTest {
    private static final Map<String, String> NO_ENV = Map.of();

    @Test
    void aBareJavaJarHasChosenNothingSoTheJarBoundsItsHeap() {
        assertThat(BoundedHeap.chosen(NO_ENV, new String[] {"-jar", "target/ccrouter.jar", "serve"})).isFalse();
        assertThat(BoundedHeap.chosen(NO_ENV, new String[] {"-Dfoo=1", "-XX:+UseCompressedOops", "-jar", "ccrouter.jar"}))
                .isFalse();
        assertThat(BoundedHeap.chosen(NO_ENV, new String[] {"-cp", "ccrouter.jar", "dev.ccrouter.cli.Main", "serve"}))
                .isFalse();
    }

    @Test
    void aHeapLimitOrCollectorOnTheCommandLineIsLeftAlone() {
        assertThat(BoundedHeap.chosen(NO_ENV, new String[] {"-Xmx4g", "-jar", "ccrouter.jar"})).isTrue();
        assertThat(BoundedHeap.chosen(NO_ENV, new String[] {"-XX:+UseZGC", "-jar", "ccrouter.jar"})).isTrue();
        assertThat(BoundedHeap.chosen(NO_ENV, new String[] {"-XX:MaxRAMPercentage=25", "-jar", "ccrouter.jar"})).isTrue();
        assertThat(BoundedHeap.chosen(NO_ENV, new String[] {"-XX:MaxHeapSize=512m", "-cp", "ccrouter.jar",
                "dev.ccrouter.cli.Main"})).isTrue();
    }

    @Test
    void thisJvmsCheckReadsTheEnvironmentsOptionsToo() {
        assertThat(BoundedHeap.chosenHere(Map.of("JDK_JAVA_OPTIONS", "-XX:+UseSerialGC"))).isTrue();
    }

    @Test
    void theCommandsOwnArgumentsAreNotJvmOptions() {
        assertThat(BoundedHeap.chosen(NO_ENV, new String[] {"-jar", "ccrouter.jar", "code", "-Xmx4g"})).isFalse();
    }

    @Test
    void aHeapLimitInTheEnvironmentIsLeftAlone() {
        String[] bare = {"-jar", "ccrouter.jar", "serve"};
        assertThat(BoundedHeap.chosen(Map.of("JAVA_TOOL_OPTIONS", "-Dx=1 -Xmx300m"), bare)).isTrue();
        assertThat(BoundedHeap.chosen(Map.of("JDK_JAVA_OPTIONS", "-XX:+UseSerialGC"), bare)).isTrue();
        assertThat(BoundedHeap.chosen(Map.of("JDK_JAVA_OPTIONS", "--enable-preview"), bare)).isFalse();
    }

    @Test
    void theLauncherTheContainerAndTheSystemdUnitRunTheJarWithTheseSameFlags() throws IOException {
        String spaced = String.join(" ", BoundedHeap.FLAGS);
        // as a shell command line writes them: the compile command's pattern quoted, so that no shell expands it
        String shellWords = BoundedHeap.FLAGS.stream().map(flag -> flag.contains("*") ? "'" + flag + "'" : flag)
                .collect(Collectors.joining(" "));
        assertThat(Files.readString(Path.of("ccrouter"))).contains("run_flags=(" + shellWords + ")");
        assertThat(Files.readString(Path.of("deploy/ccrouter.service")))
                .contains("ExecStart=/opt/ccrouter/jdk/bin/java " + spaced + " -XX:AOTCache=")
                .contains("/opt/ccrouter/jdk/bin/java " + shellWords + " \\\n#     -XX:AOTCacheOutput=");
        String dockerfile = Files.readString(Path.of("Dockerfile")).replaceAll("\\\\\n\\s*", "");
        assertThat(dockerfile).contains("java " + shellWords + " -XX:AOTCacheOutput=")
                .contains("java " + shellWords + " -XX:ArchiveClassesAtExit=")
                .contains("ENTRYPOINT [\"java\", " + BoundedHeap.FLAGS.stream().map(flag -> "\"" + flag + "\"")
                        .collect(Collectors.joining(", ")) + ", ");
    }

    @Test
    void theBoundedJvmIsThisJdksJavaWithTheFlagsTheCacheAndThisJvmsArguments() {
        assertThat(BoundedHeap.command(Path.of("/opt/jdk"), Optional.of(Path.of("/opt/ccrouter/ccrouter.aot")),
                new String[] {"-Dx=1", "-jar", "/opt/ccrouter/ccrouter.jar", "serve"}))
                .isEqualTo(Stream.of(List.of("/opt/jdk/bin/java"), BoundedHeap.FLAGS,
                        List.of("-XX:AOTCache=/opt/ccrouter/ccrouter.aot", "-Xlog:aot*=off", "-Xlog:cds*=off",
                                "-Dx=1", "-jar", "/opt/ccrouter/ccrouter.jar", "serve"))
                        .flatMap(List::stream).toList());
        assertThat(BoundedHeap.command(Path.of("/opt/jdk"), Optional.empty(), new String[] {"-jar", "c.jar"}))
                .isEqualTo(Stream.of(List.of("/opt/jdk/bin/java"), BoundedHeap.FLAGS, List.of("-jar", "c.jar"))
                        .flatMap(List::stream).toList());
    }

    @Test
    void theCacheBesideTheJarIsUsedOnJdk25AndLaterWhenNotOlderThanTheJar(@TempDir Path dir) throws IOException {
        Path jar = Files.writeString(dir.resolve("ccrouter.jar"), "jar");
        Path cache = dir.resolve("ccrouter.aot");
        assertThat(BoundedHeap.cacheBeside(Optional.of(jar), 25)).as("none trained").isEmpty();

        Files.writeString(cache, "cache");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(cache, FileTime.fromMillis(2_000_000));
        assertThat(BoundedHeap.cacheBeside(Optional.of(jar), 25)).contains(cache);
        assertThat(BoundedHeap.cacheBeside(Optional.of(jar), 24)).as("a JDK without AOT caches").isEmpty();
        assertThat(BoundedHeap.cacheBeside(Optional.empty(), 25)).as("classes from a folder").isEmpty();

        Files.setLastModifiedTime(jar, FileTime.fromMillis(3_000_000));
        assertThat(BoundedHeap.cacheBeside(Optional.of(jar), 25)).as("trained on an older build").isEmpty();
    }
}
