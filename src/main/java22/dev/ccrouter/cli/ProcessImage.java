package dev.ccrouter.cli;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Replaces this process by another program in place with execve(2), through the Foreign Function API (JDK 22+; this
 * class is {@code META-INF/versions/22} of the jar). The process keeps its id, parent, standard streams and
 * environment as given: whoever started it (a shell, systemd, a supervisor) waits on and signals the new program
 * directly, and no JVM stays behind to wait for it.
 */
final class ProcessImage {
    /** close_range(2) flag: mark the range close-on-exec instead of closing it now (Linux 5.11+). */
    private static final int CLOSE_RANGE_CLOEXEC = 1 << 2;
    /** sigprocmask(2)'s "set the mask to", and glibc's sigset_t (1024 bits). */
    private static final int SIG_SETMASK = 2;
    private static final long SIGSET_BYTES = 128;

    private ProcessImage() {
    }

    /**
     * Returns only when this process could not be replaced: not Linux with close_range (glibc 2.34+), native access
     * not enabled for this code (it is, from the jar's manifest, under {@code java -jar}; elsewhere the JDK would warn),
     * or execve failing. The caller then starts the program as a child instead.
     */
    static void replace(List<String> command, Map<String, String> env) {
        if (!ProcessImage.class.getModule().isNativeAccessEnabled()) {
            return;
        }
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Optional<MemorySegment> closeRange = libc.find("close_range");
        Optional<MemorySegment> sigprocmask = libc.find("sigprocmask");
        Optional<MemorySegment> execve = libc.find("execve");
        if (closeRange.isEmpty() || sigprocmask.isEmpty() || execve.isEmpty()) {
            return;
        }
        MethodHandle closeOnExec = linker.downcallHandle(closeRange.get(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        MethodHandle setSignalMask = linker.downcallHandle(sigprocmask.get(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        MethodHandle exec = linker.downcallHandle(execve.get(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment program = arena.allocateFrom(command.getFirst());
            MemorySegment argv = strings(arena, command);
            MemorySegment envp = strings(arena, env.entrySet().stream()
                    .map(variable -> variable.getKey() + "=" + variable.getValue()).toList());
            // Every descriptor this JVM opened (the jar, sockets, /dev/random…) would otherwise live on, unused, in
            // the new one; 0–2 are the standard streams it keeps. ~0U: to the highest.
            if ((int) closeOnExec.invokeExact(3, -1, CLOSE_RANGE_CLOEXEC) != 0) {
                return;
            }
            // The calling Java thread blocks SIGQUIT (the JVM's own signal thread takes it), and execve keeps a
            // thread's mask: the new JVM would start with it blocked. An empty set.
            if ((int) setSignalMask.invokeExact(SIG_SETMASK, arena.allocate(SIGSET_BYTES), MemorySegment.NULL) != 0) {
                return;
            }
            int returned = (int) exec.invokeExact(program, argv, envp); // only when it failed
        } catch (Throwable e) {
            // a downcall's own failure: fall back to the child, as when execve returns
        }
    }

    /** A NULL-terminated array of C strings, as execve takes its arguments and environment. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }
}
