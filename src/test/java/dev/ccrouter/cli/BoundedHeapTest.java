package dev.ccrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

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
        assertThat(Files.readString(Path.of("ccrouter"))).contains("run_flags=(" + spaced + ")");
        assertThat(Files.readString(Path.of("deploy/ccrouter.service")))
                .contains("ExecStart=/opt/ccrouter/jdk/bin/java " + spaced + " -XX:AOTCache=")
                .contains("/opt/ccrouter/jdk/bin/java " + spaced + " \\\n#     -XX:AOTCacheOutput=");
        String dockerfile = Files.readString(Path.of("Dockerfile")).replaceAll("\\\\\n\\s*", "");
        assertThat(dockerfile).contains("java " + spaced + " -XX:AOTCacheOutput=")
                .contains("java " + spaced + " -XX:ArchiveClassesAtExit=")
                .contains("ENTRYPOINT [\"java\", " + BoundedHeap.FLAGS.stream().map(flag -> "\"" + flag + "\"")
                        .collect(Collectors.joining(", ")) + ", ");
    }
}
