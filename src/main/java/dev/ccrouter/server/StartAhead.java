package dev.ccrouter.server;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every gateway's start needs early and that depends on no setting, begun on threads of their own as soon as the
 * command line says {@code serve}: the class initialisation of Jackson's {@code ObjectMapper} (its default date
 * format, type factory and settings) and of {@code BigDecimal}. They then go on beside the logging's set-up and the
 * reading of the settings; the start finds the classes initialised, or waits for them (a class is initialised once per
 * JVM, and a thread that needs it meanwhile waits), so nothing is done twice.
 *
 * <p>No logger and nothing of the gateway's here: {@code Main} calls it before the logging is set up, and loading this
 * class must not set it up on the main thread.
 */
public final class StartAhead {
    private static final AtomicBoolean BEGUN = new AtomicBoolean();

    private StartAhead() {
    }

    /** Starts the threads; once per JVM, later calls do nothing. */
    public static void begin() {
        if (!BEGUN.compareAndSet(false, true)) {
            return;
        }
        initialiseAside("ccrouter-prepare", "com.fasterxml.jackson.databind.ObjectMapper");
        // JDK 25's BigDecimal computes 5^(2^16) in its class initialiser (a table for stripTrailingZeros): 20-30 ms
        // in the interpreter, which the start's first JSON parser (Jackson's parser base names BigDecimal constants)
        // paid on the main thread just before the rehearsal could begin.
        initialiseAside("ccrouter-prepare-decimals", "java.math.BigDecimal");
    }

    private static void initialiseAside(String threadName, String className) {
        Thread.ofPlatform().daemon().name(threadName).start(() -> {
            try {
                Class.forName(className, true, StartAhead.class.getClassLoader());
            } catch (RuntimeException | Error | ClassNotFoundException e) {
                // the start (or the first request) meets the same failure on its own thread and reports it there
            }
        });
    }
}
