package dev.ccrouter.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Keeps {@code java -jar ccrouter.jar} from growing to a gigabyte. Started without heap or collector flags, the JVM
 * picks G1 with a quarter of the machine's memory as heap limit (6 GB on a 24 GB machine), and G1 expands the heap to
 * keep its share of CPU small: measured, 13 MB of live objects and 1.07 GB of RSS after 20 s at 64 connections. A
 * running JVM cannot lower its heap limit or change collector (neither {@code SoftMaxHeapSize} nor the heap-free
 * ratios bound G1's growth, measured), and a jar's manifest cannot carry JVM options, so the jar restarts itself once
 * with the launcher's settings and waits for that child. Whoever chose a heap or a collector, on the command line or
 * in the {@code JAVA_TOOL_OPTIONS}/{@code JDK_JAVA_OPTIONS} environment, is left alone.
 */
final class BoundedHeap {
    /**
     * The same settings as the {@code ccrouter} launcher's run line, the Dockerfile and the systemd unit: Serial GC, a
     * heap bounded to what 10,000 open streams need, a young generation sized so request garbage dies there, an old
     * generation that starts small and shrinks back whole at a quiet gateway's collection, and the native heap
     * trimmed every 5 s, which hands back what the JIT's compiler arenas freed (the launcher's comment
     * and docs/benchmarks.md say why). The trim was an experimental flag in the JDK 21 updates that first had it
     * (JDK-8325496 made it a product flag): unlocking experimental options lets those start too.
     */
    static final List<String> FLAGS = List.of("-XX:+UseSerialGC", "-Xmx768m", "-Xms176m", "-Xmn160m",
            "-XX:SurvivorRatio=4", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:-ShrinkHeapInSteps",
            "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000");
    private static final String RELAUNCHED = "CCROUTER_BOUNDED_HEAP";
    /** A heap limit or a collector: -Xmx, -XX:MaxHeapSize=, -XX:MaxRAM=, -XX:MaxRAMPercentage=, -XX:+Use…GC. */
    private static final Pattern CHOICE = Pattern.compile("-Xmx.*|-XX:Max(HeapSize|RAM|RAMPercentage)=.*|-XX:\\+Use\\w*GC");

    private BoundedHeap() {
    }

    /**
     * Runs this command again in a JVM with {@link #FLAGS} when this one was started without any heap or collector
     * choice, and returns its exit status; empty when this JVM is the one to run the command.
     */
    static OptionalInt relaunchIfUnbounded(Map<String, String> env) {
        Optional<String[]> arguments = ProcessHandle.current().info().arguments();
        if (env.containsKey(RELAUNCHED) || arguments.isEmpty() || chosen(env, arguments.get())) {
            return OptionalInt.empty();
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(FLAGS);
        command.addAll(List.of(arguments.get()));
        ProcessBuilder child = new ProcessBuilder(command).inheritIO();
        child.environment().put(RELAUNCHED, "1");
        try {
            Process process = child.start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "ccrouter-relaunch-stop"));
            return OptionalInt.of(process.waitFor());
        } catch (IOException e) {
            return OptionalInt.empty(); // cannot start a JVM: run here, unbounded, rather than not at all
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.of(130);
        }
    }

    /** Whether the JVM options (the arguments before {@code -jar} or the main class, and the environment) choose. */
    static boolean chosen(Map<String, String> env, String[] arguments) {
        Stream<String> jvmOptions = Stream.of(arguments)
                .takeWhile(argument -> !argument.equals("-jar") && !argument.equals(Main.class.getName()));
        Stream<String> environment = Stream.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")
                .flatMap(name -> Stream.of(env.getOrDefault(name, "").trim().split("\\s+")));
        return Stream.concat(jvmOptions, environment).anyMatch(option -> CHOICE.matcher(option).matches());
    }
}
