package dev.ccrouter.testing;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** This JVM's threads, virtual ones included (no MXBean sees those; a full thread dump does). */
public final class ThreadDump {
    private ThreadDump() {
    }

    /** How often {@code pattern} occurs in a JSON thread dump of this JVM taken now. */
    public static long count(Pattern pattern) throws IOException {
        Path dump = Files.createTempFile("threads-", ".json");
        Files.delete(dump); // dumpThreads refuses to overwrite
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            return pattern.matcher(Files.readString(dump)).results().count();
        } finally {
            Files.deleteIfExists(dump);
        }
    }
}
