package dev.ccrouter.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * How many client connections the process's file-descriptor limit can carry. An {@code accept} that fails with "Too
 * many open files" leaves the new client waiting in the backlog, so the gateway never lets it get there: it admits
 * at most {@link #admitted()} connections, each allowed two descriptors (itself and its upstream call), and lets the
 * server accept a quarter more so that connections over the cap can still be answered 503 rather than left in the backlog.
 * Beyond {@link #accepted()}, new connections wait in the kernel's backlog until others close.
 *
 * @param admitted connections served
 * @param accepted connections accepted at all (admitted plus those being refused)
 */
record DescriptorBudget(int admitted, int accepted) {
    /** Descriptors kept for everything that is not a connection: jars, logs, data files, the listener itself. */
    static final int RESERVE = 128;

    private static final Path PROCESS_LIMITS = Path.of("/proc/self/limits");
    private static final String OPEN_FILES = "Max open files";

    static DescriptorBudget of(int configured) {
        return of(configured, descriptorLimit());
    }

    /**
     * The process's (soft) limit on open descriptors, -1 when unlimited or unknown. Read from {@code /proc} where
     * there is one: the platform's MXBean says the same, but its first use sets up the JDK's management and container
     * metrics, ≈ 10 ms of the start's main thread before the rehearsal could begin (the metrics' own thread sets
     * them up beside it anyway).
     */
    static long descriptorLimit() {
        try {
            OptionalLong fromProc = openFilesLimit(Files.readAllLines(PROCESS_LIMITS));
            if (fromProc.isPresent()) {
                return fromProc.getAsLong();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or /proc not mounted: the MXBean knows
        }
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    /**
     * The soft limit on open files in the lines of {@code /proc/<pid>/limits}
     * ({@code Max open files  1024  4096  files}): -1 for "unlimited", empty when no line names it.
     */
    static OptionalLong openFilesLimit(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith(OPEN_FILES)) {
                String soft = line.substring(OPEN_FILES.length()).strip().split("\\s+", 2)[0];
                return OptionalLong.of(soft.equals("unlimited") ? -1 : Long.parseLong(soft));
            }
        }
        return OptionalLong.empty();
    }

    /** The rule itself; {@code descriptorLimit} is -1 when the platform does not tell. */
    static DescriptorBudget of(int configured, long descriptorLimit) {
        int admitted = configured;
        if (descriptorLimit > 0) {
            // 2 per admitted connection + 1/4 per admitted for refusals in flight = 9/4 per admitted connection
            long affordable = Math.max(1, (descriptorLimit - RESERVE) * 4 / 9);
            admitted = (int) Math.min(configured, affordable);
        }
        return new DescriptorBudget(admitted, admitted + Math.max(1, admitted / 4));
    }
}
