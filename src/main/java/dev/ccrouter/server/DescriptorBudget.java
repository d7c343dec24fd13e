package dev.ccrouter.server;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

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

    static DescriptorBudget of(int configured) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long limit = os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
        return of(configured, limit);
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
