package dev.ccrouter.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One look at a process through {@code /proc/PID}: resident memory ({@code VmRSS}), platform threads
 * ({@code Threads}; virtual threads are not counted), open descriptors and CPU time (user + system).
 */
record ProcessLook(long rssKb, long threads, long descriptors, double cpuSeconds) {
    static ProcessLook of(long pid) {
        Path proc = Path.of("/proc", String.valueOf(pid));
        try {
            List<String> status = Files.readAllLines(proc.resolve("status"));
            long descriptors;
            try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
                descriptors = fds.count();
            }
            String[] stat = Files.readString(proc.resolve("stat")).split("\\) ", 2)[1].split(" ");
            double cpu = (Long.parseLong(stat[11]) + Long.parseLong(stat[12])) / 100.0; // utime + stime, ticks
            return new ProcessLook(field(status, "VmRSS"), field(status, "Threads"), descriptors, cpu);
        } catch (IOException e) {
            throw new UncheckedIOException("the gateway (pid " + pid + ") is gone", e);
        }
    }

    private static long field(List<String> status, String name) {
        return status.stream().filter(line -> line.startsWith(name + ":")).findFirst()
                .map(line -> Long.parseLong(line.substring(name.length() + 1).strip().split("\\s+")[0]))
                .orElseThrow();
    }
}
