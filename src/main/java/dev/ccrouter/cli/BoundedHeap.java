package dev.ccrouter.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Keeps {@code java -jar ccrouter.jar} from growing to a gigabyte. Started without heap or collector flags, the JVM
 * picks G1 with a quarter of the machine's memory as heap limit (6 GB on a 24 GB machine), and G1 expands the heap to
 * keep its share of CPU small: measured, 13 MB of live objects and 1.07 GB of RSS after 20 s at 64 connections. A
 * running JVM cannot lower its heap limit or change collector (neither {@code SoftMaxHeapSize} nor the heap-free
 * ratios bound G1's growth, measured), and a jar's manifest cannot carry JVM options, so the jar starts itself again
 * once with the launcher's settings: on JDK 22+ in place of itself (execve, one JVM in one process), on JDK 21 as a
 * child it waits for. Whoever chose a heap or a collector, on the command line or
 * in the {@code JAVA_TOOL_OPTIONS}/{@code JDK_JAVA_OPTIONS} environment, is left alone.
 */
final class BoundedHeap {
    /**
     * The same settings as the {@code ccrouter} launcher's run line, the Dockerfile and the systemd unit: Serial GC, a
     * heap bounded to what 10,000 open streams need, a young generation sized so request garbage dies there, an old
     * generation that starts small and shrinks back whole at a quiet gateway's collection, and the native heap
     * trimmed every 5 s, which hands back what the JIT's compiler arenas freed (the launcher's comment
     * and docs/benchmarks.md say why). The trim was an experimental flag in the JDK 21 updates that first had it
     * (JDK-8325496 made it a product flag): unlocking experimental options lets those start too. Last, the gateway's
     * own methods compiled after a quarter of the calls the JIT waits for by default, which warms a fresh gateway's
     * requests 101–1,000 (0.48 → 0.30 ms added), said quietly (the JVM prints each compile command otherwise).
     */
    static final List<String> FLAGS = List.of("-XX:+UseSerialGC", "-Xmx768m", "-Xms176m", "-Xmn160m",
            "-XX:SurvivorRatio=4", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:-ShrinkHeapInSteps",
            "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000", "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,dev.ccrouter.*::*,0.25");
    private static final String RELAUNCHED = "CCROUTER_BOUNDED_HEAP";
    /** A heap limit or a collector: -Xmx, -XX:MaxHeapSize=, -XX:MaxRAM=, -XX:MaxRAMPercentage=, -XX:+Use…GC. */
    private static final Pattern CHOICE = Pattern.compile("-Xmx.*|-XX:Max(HeapSize|RAM|RAMPercentage)=.*|-XX:\\+Use\\w*GC");
    /** Where the JVM reads options from the environment. */
    private static final List<String> OPTION_VARIABLES =
            List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private BoundedHeap() {
    }

    /**
     * Runs this command again in a JVM with {@link #FLAGS} when this one was started without any heap or collector
     * choice: on JDK 22+ that JVM replaces this one in the same process ({@link ProcessImage}), and this method does
     * not return; on JDK 21, or when that fails, it is a child this JVM waits for, and this returns its exit status.
     * Empty when this JVM is the one to run the command.
     */
    static OptionalInt relaunchIfUnbounded(Map<String, String> env) {
        Optional<String[]> arguments = ownArguments();
        if (env.containsKey(RELAUNCHED) || arguments.isEmpty() || chosen(env, arguments.get())) {
            return OptionalInt.empty();
        }
        List<String> command = command(Path.of(System.getProperty("java.home")),
                cacheBeside(runningJar(), Runtime.version().feature()), arguments.get());
        Map<String, String> bounded = new HashMap<>(env);
        bounded.put(RELAUNCHED, "1");
        ProcessImage.replace(command, bounded);
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

    /**
     * Whether this JVM's own options choose a heap or a collector, as {@link #relaunchIfUnbounded} first asks (true
     * when they cannot be read). The training of the start-up cache asks it too, so that what every start runs first
     * is mapped from the cache rather than loaded from the jar and verified.
     */
    static boolean chosenHere(Map<String, String> env) {
        Optional<String[]> arguments = ownArguments();
        return arguments.isEmpty() || chosen(env, arguments.get());
    }

    private static Optional<String[]> ownArguments() {
        return ProcessHandle.current().info().arguments();
    }

    /** The bounded JVM's command line: this JDK's java, {@link #FLAGS}, the cache if any, then this JVM's arguments. */
    static List<String> command(Path javaHome, Optional<Path> cache, String[] arguments) {
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(FLAGS);
        // Its warnings off, as the launcher and the systemd unit run it: JDK 25.0.x warns about adapters it cannot
        // link from the cache and uses the cache all the same, and a cache of another build is just not used.
        cache.ifPresent(file -> command.addAll(List.of("-XX:AOTCache=" + file, "-Xlog:aot*=off", "-Xlog:cds*=off")));
        command.addAll(List.of(arguments));
        return command;
    }

    /**
     * The ahead-of-time cache {@code ccrouter.aot} beside the jar (where the launcher trains it, target/, and the
     * systemd unit's install steps put it, /opt/ccrouter/) when the JDK reads such caches (25+) and it is not older
     * than the jar (the launcher would train it again; the JVM would refuse it): the bounded JVM then starts from
     * the classes and profiles the launcher's starts use.
     */
    static Optional<Path> cacheBeside(Optional<Path> jar, int jdkFeature) {
        if (jdkFeature < 25 || jar.isEmpty()) {
            return Optional.empty();
        }
        Path cache = jar.get().resolveSibling("ccrouter.aot");
        try {
            return Files.getLastModifiedTime(cache).compareTo(Files.getLastModifiedTime(jar.get())) >= 0
                    ? Optional.of(cache) : Optional.empty();
        } catch (IOException noCache) {
            return Optional.empty();
        }
    }

    /** The jar this class was loaded from; empty when it was loaded from a folder (the tests' target/classes). */
    static Optional<Path> runningJar() {
        try {
            Path location = Path.of(BoundedHeap.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return Files.isRegularFile(location) ? Optional.of(location) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether the JVM options (the arguments before {@code -jar} or the main class, and the environment) choose. Plain
     * loops: every command's start runs this first, on its main thread, where streams and their lambdas (spun at run
     * time) took 5–8 of its 12–16 ms (docs/benchmarks.md, "Every command's first 15 ms").
     */
    static boolean chosen(Map<String, String> env, String[] arguments) {
        for (String argument : arguments) {
            if (argument.equals("-jar") || argument.equals(Main.class.getName())) {
                break; // the command's own arguments follow
            }
            if (CHOICE.matcher(argument).matches()) {
                return true;
            }
        }
        for (String variable : OPTION_VARIABLES) {
            for (String option : env.getOrDefault(variable, "").trim().split("\\s+")) {
                if (CHOICE.matcher(option).matches()) {
                    return true;
                }
            }
        }
        return false;
    }
}
