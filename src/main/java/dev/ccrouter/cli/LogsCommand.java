package dev.ccrouter.cli;

import dev.ccrouter.config.GatewayConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ccrouter logs}: the end of the background gateway's log, and with {@code -f} what it writes next. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print the end of the background gateway's log (<data dir>/ccrouter.log).")
final class LogsCommand extends BackgroundCommand {
    /** How often {@code -f} looks for new lines. */
    private static final long FOLLOW_POLL_NANOS = 250_000_000L;

    @Option(names = {"-n", "--lines"}, description = "How many lines from the end (default ${DEFAULT-VALUE}).",
            defaultValue = "50")
    int lines;

    @Option(names = {"-f", "--follow"}, description = "Keep printing lines as they are written, until Ctrl-C.")
    boolean follow;

    LogsCommand() {
        this(System.getenv());
    }

    LogsCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    boolean toleratesABrokenFile() {
        return true;
    }

    @Override
    int run(GatewayConfig config, LocalGateway local, BackgroundGateway background) {
        Path log = local.log();
        if (!Files.isRegularFile(log)) {
            err().println("ccrouter: no log yet at " + log + " (ccrouter start writes it)");
            return 1;
        }
        try {
            for (String line : lastLines(log, lines)) {
                out().println(line);
            }
            out().flush();
            if (follow) {
                follow(log, Files.size(log));
            }
            return 0;
        } catch (IOException e) {
            err().println("ccrouter: could not read " + log + ": " + e.getMessage());
            return 1;
        }
    }

    private static List<String> lastLines(Path log, int count) throws IOException {
        Deque<String> last = new ArrayDeque<>(Math.max(count, 1));
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                if (count > 0) {
                    if (last.size() == count) {
                        last.removeFirst();
                    }
                    last.addLast(line);
                }
            });
        }
        return List.copyOf(last);
    }

    private void follow(Path log, long from) throws IOException {
        long position = from;
        while (!Thread.currentThread().isInterrupted()) {
            long size = Files.size(log);
            if (size < position) {
                position = 0; // the log was replaced
            }
            if (size > position) {
                try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                    file.seek(position);
                    byte[] added = new byte[(int) Math.min(size - position, 1 << 20)];
                    file.readFully(added);
                    position += added.length;
                    out().print(new String(added, StandardCharsets.UTF_8));
                    out().flush();
                }
            }
            LockSupport.parkNanos(FOLLOW_POLL_NANOS);
        }
    }
}
