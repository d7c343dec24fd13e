package dev.ccrouter.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.charset.Charset;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The log's lines, {@value #PATTERN}, written as bytes into one batch that {@link BatchingStderrAppender} hands to
 * stderr at once. The usual event — no exception, a logger name {@code %logger{20}} leaves whole (every access
 * line) — is written here by hand: Logback's encoder made a String per line through a builder that grew twice, then
 * its bytes, then the batch copied them once more, half of the log writer's CPU. Any other event goes through the
 * encoder, which {@code LogLinesTest} holds this class's bytes equal to. The writer thread's alone.
 */
final class LogLines {
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} %msg%n";
    /** {@code %logger{20}} writes a name shorter than this as it is (Logback's class-name abbreviator). */
    private static final int WHOLE_NAME_BELOW = 20;
    private static final List<Level> LEVELS = List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR);
    private static final int INITIAL_BYTES = 16 * 1024;
    /** A batch larger than this (a burst) is not kept for the next one. */
    private static final int KEPT_BYTES = 1024 * 1024;

    private final Encoder<ILoggingEvent> encoder;
    private final Charset charset;
    private final ZoneId zone;
    /** " LEVEL logger " by logger name, then level as in {@link #LEVELS}: a handful of loggers write at all. */
    private final Map<String, byte[][]> middles = new HashMap<>();
    /** The second whose "HH:mm:ss." is in {@link #secondText}. */
    private long second = Long.MIN_VALUE;
    private final byte[] secondText = new byte[9];
    private byte[] bytes = new byte[INITIAL_BYTES];
    private int length;

    /**
     * @param encoder writes the events this class does not, with {@link #PATTERN}
     * @param charset the encoder's (null: the platform's, as Logback does)
     * @param zone    the time zone of the lines' times (Logback's: the JVM's default)
     */
    LogLines(Encoder<ILoggingEvent> encoder, Charset charset, ZoneId zone) {
        this.encoder = encoder;
        this.charset = charset != null ? charset : Charset.defaultCharset();
        this.zone = zone;
    }

    /** Adds the event's line to the batch. */
    void add(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        byte[] middle;
        if (message == null || event.getThrowableProxy() != null
                || event.getLoggerName().length() >= WHOLE_NAME_BELOW || (middle = middle(event)) == null) {
            add(encoder.encode(event));
            return;
        }
        time(event.getTimeStamp());
        add(middle);
        add(message.getBytes(charset));
        room(1);
        bytes[length++] = '\n';
    }

    /** Adds bytes as they are. */
    void add(byte[] more) {
        room(more.length);
        System.arraycopy(more, 0, bytes, length, more.length);
        length += more.length;
    }

    int length() {
        return length;
    }

    /** The batch's bytes, {@link #length()} of them; valid until {@link #clear()}. */
    byte[] bytes() {
        return bytes;
    }

    /** Empties the batch, keeping its array unless a burst made it large. */
    void clear() {
        length = 0;
        if (bytes.length > KEPT_BYTES) {
            bytes = new byte[INITIAL_BYTES];
        }
    }

    private void time(long millis) {
        long epochSecond = Math.floorDiv(millis, 1000);
        if (epochSecond != second) {
            LocalTime time = Instant.ofEpochSecond(epochSecond).atZone(zone).toLocalTime();
            twoDigits(secondText, 0, time.getHour());
            secondText[2] = ':';
            twoDigits(secondText, 3, time.getMinute());
            secondText[5] = ':';
            twoDigits(secondText, 6, time.getSecond());
            secondText[8] = '.';
            second = epochSecond;
        }
        room(secondText.length + 3);
        System.arraycopy(secondText, 0, bytes, length, secondText.length);
        length += secondText.length;
        int fraction = (int) Math.floorMod(millis, 1000);
        bytes[length++] = (byte) ('0' + fraction / 100);
        twoDigits(bytes, length, fraction % 100);
        length += 2;
    }

    /** " LEVEL logger ", or null for a level a line never has (ALL, OFF). */
    private byte[] middle(ILoggingEvent event) {
        int level = LEVELS.indexOf(event.getLevel());
        if (level < 0) {
            return null;
        }
        byte[][] byLevel = middles.computeIfAbsent(event.getLoggerName(), any -> new byte[LEVELS.size()][]);
        if (byLevel[level] == null) {
            StringBuilder middle = new StringBuilder(" ").append(event.getLevel());
            while (middle.length() < 6) { // %-5level
                middle.append(' ');
            }
            byLevel[level] = middle.append(' ').append(event.getLoggerName()).append(' ').toString().getBytes(charset);
        }
        return byLevel[level];
    }

    private static void twoDigits(byte[] into, int at, int value) {
        into[at] = (byte) ('0' + value / 10);
        into[at + 1] = (byte) ('0' + value % 10);
    }

    private void room(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
