package dev.ccrouter.cli;

import dev.ccrouter.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * The gateway that {@code ccrouter start} and {@code ccrouter code} leave running in the background: at most one per
 * data directory, named by its pid file. It is made to match the settings asked for — started when none runs,
 * restarted when the running one forwards elsewhere or maps models differently — and a gateway this machinery did
 * not start (a {@code ccrouter serve} in a terminal, a service) is never stopped, only reported.
 */
final class BackgroundGateway {
    /** How much longer than its grace period a stopping gateway gets before it is killed. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(5);
    private static final Duration PID_FILE_SLACK = Duration.ofSeconds(1);
    private static final Duration EXIT_POLL = Duration.ofMillis(10);

    private final GatewayConfig config;
    private final LocalGateway local;

    /** What {@link #ensure()} found or did. */
    sealed interface Outcome {
    }

    /** The gateway that answers already has the settings asked for. */
    record AlreadyRunning(LocalGateway.Serving gateway) implements Outcome {
    }

    /** Nothing answered; one was started. {@code replaced} is a background gateway stopped first (another port). */
    record Started(LocalGateway.Started gateway, Optional<Long> replaced) implements Outcome {
    }

    /** The background gateway had other settings (each change as {@code what: old → new}) and was started again. */
    record Restarted(LocalGateway.Started gateway, List<String> changes) implements Outcome {
    }

    BackgroundGateway(GatewayConfig config, LocalGateway local) {
        this.config = config;
        this.local = local;
    }

    /**
     * Makes a gateway with these settings answer on the configured port.
     *
     * @throws LocalGateway.StartFailure when none could be started, when something else holds the port, or when a
     *                                   gateway this machinery did not start has other settings
     */
    Outcome ensure() throws LocalGateway.StartFailure {
        return switch (local.probe()) {
            case LocalGateway.Serving serving -> {
                List<String> changes = changes(serving);
                if (changes.isEmpty()) {
                    yield new AlreadyRunning(serving);
                }
                if (!isOurs(serving.pid())) {
                    throw new LocalGateway.StartFailure("the gateway on " + local.baseUrl() + " (pid " + serving.pid()
                            + ") has other settings (" + String.join("; ", changes) + ") and was not started by "
                            + "ccrouter start or ccrouter code, so it is left alone: stop it where it was started, or "
                            + "choose another port with CCROUTER_PORT");
                }
                stop(ProcessHandle.of(serving.pid()).orElseThrow());
                yield new Restarted(local.start(), changes);
            }
            case LocalGateway.Nothing nothing -> {
                // A background gateway of this data directory on another port gives way: its pid file is reused.
                Optional<Long> replaced = running().map(process -> {
                    stop(process);
                    return process.pid();
                });
                yield new Started(local.start(), replaced);
            }
            case LocalGateway.SomethingElse somethingElse -> throw new LocalGateway.StartFailure(
                    "something other than ccrouter answers on " + local.baseUrl()
                            + " (no 200 from /health): stop it, or choose another port with CCROUTER_PORT");
        };
    }

    /** What to tell the user about an outcome; nothing when the gateway was already right. */
    static Optional<String> announcement(Outcome outcome, LocalGateway local) {
        return switch (outcome) {
            case AlreadyRunning running -> Optional.empty();
            case Started started -> Optional.of(started.replaced()
                    .map(pid -> "stopped the background gateway on another port (pid " + pid + "); ").orElse("")
                    + "started a gateway on " + local.baseUrl() + " (pid " + started.gateway().pid() + ", log "
                    + started.gateway().log() + "); it keeps running for later sessions: ccrouter stop stops it");
            case Restarted restarted -> Optional.of("restarted the gateway on " + local.baseUrl() + " with the "
                    + "settings asked for (" + String.join("; ", restarted.changes()) + "): pid "
                    + restarted.gateway().pid() + ", log " + restarted.gateway().log());
        };
    }

    /** The background gateway's process, if its pid file names a ccrouter that is still running. */
    Optional<ProcessHandle> running() {
        Path pidFile = local.pidFile();
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            Instant written = Files.getLastModifiedTime(pidFile).toInstant();
            return ProcessHandle.of(pid).filter(process -> startedBefore(process, written) && servesCcrouter(process));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    boolean isOurs(long pid) {
        return running().map(process -> process.pid() == pid).orElse(false);
    }

    /**
     * SIGTERM, then a wait for the gateway's grace period (and a margin) before it is killed; the pid file goes.
     *
     * @return how long it took to exit
     */
    Duration stop(ProcessHandle process) {
        long begun = System.nanoTime();
        process.destroy();
        if (!exited(process, config.shutdownGrace().plus(STOP_MARGIN))) {
            process.destroyForcibly();
            exited(process, STOP_MARGIN);
        }
        try {
            Files.deleteIfExists(local.pidFile());
        } catch (IOException e) {
            // a stale pid file is harmless: it is checked against the running process before any use
        }
        return Duration.ofNanos(System.nanoTime() - begun);
    }

    /**
     * Polled rather than {@code onExit()}: for a process that is not this JVM's child (the gateway an earlier command
     * started), the JDK polls with growing pauses and reports an exit up to two seconds late.
     */
    private static boolean exited(ProcessHandle process, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (process.isAlive() && !isZombie(process.pid())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(EXIT_POLL.toNanos());
        }
        return true;
    }

    /**
     * A gateway started by an earlier command was adopted by init when that command exited; once it exits, it stays
     * a zombie — "alive" to the JDK — until init reaps it, which took about two seconds here. It has exited all the
     * same (Linux; elsewhere there is no /proc to ask and the JDK's answer stands).
     */
    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // pid (command) state …: the command may hold spaces and parentheses, the state follows the last ')'
            return stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The settings of the running gateway that differ from those asked for, as {@code what: old → new}. */
    private List<String> changes(LocalGateway.Serving serving) {
        List<String> changes = new ArrayList<>();
        compare(changes, "upstream", serving.upstream(), config.upstreamDisplay()); // as /health shows it
        compare(changes, "opus", serving.models().opus(), config.models().opus());
        compare(changes, "sonnet", serving.models().sonnet(), config.models().sonnet());
        compare(changes, "haiku", serving.models().haiku(), config.models().haiku());
        return changes;
    }

    private static void compare(List<String> changes, String what, String running, String wanted) {
        if (!running.equals(wanted)) {
            changes.add(what + ": " + running + " → " + wanted);
        }
    }

    /**
     * Whether the process runs {@code ccrouter serve} as {@link LocalGateway} starts it: a pid file may be newer than
     * an unrelated process holding its pid (a data directory copied, a home shared with another machine). The
     * command line from /proc, whole (the JDK gives no arguments for one longer than a page); elsewhere the JDK's.
     */
    private static boolean servesCcrouter(ProcessHandle process) {
        String commandLine;
        try {
            commandLine = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "cmdline"))
                    .replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            commandLine = process.info().commandLine().orElse("");
        }
        return commandLine.contains(" " + Main.class.getName() + " serve ");
    }

    /**
     * A pid is reused by other programs once its process is gone. The gateway was started just before its pid file
     * was written; a process that started later is not it (a second's slack covers clock granularity).
     */
    private static boolean startedBefore(ProcessHandle process, Instant pidFileWritten) {
        return process.isAlive() && process.info().startInstant()
                .map(start -> !start.isAfter(pidFileWritten.plus(PID_FILE_SLACK)))
                .orElse(false);
    }
}
