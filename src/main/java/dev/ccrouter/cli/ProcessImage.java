package dev.ccrouter.cli;

import java.util.List;
import java.util.Map;

/**
 * Replaces this process by another program in place (execve), keeping its process id, standard streams and parent.
 * A JDK 21 runtime has no way to call execve: this release-21 class does nothing, and the caller starts the program as
 * a child instead. The JDK 22+ one, in {@code META-INF/versions/22} of the jar (src/main/java22), calls it through the
 * Foreign Function API.
 */
final class ProcessImage {
    private ProcessImage() {
    }

    /** Returns only when this process could not be replaced (here: never can). */
    static void replace(List<String> command, Map<String, String> env) {
        // no execve without the Foreign Function API
    }
}
