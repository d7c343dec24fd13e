package dev.ccrouter.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.ConfigException;
import dev.ccrouter.config.DataDirectory;
import dev.ccrouter.config.GatewayConfig;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway {@code ccrouter code} sends Claude Code to: whatever answers {@code /health} on the configured port, or
 * else a {@code ccrouter serve} it starts in the background and leaves running for the next session.
 */
final class LocalGateway {
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final int REASON_LINES = 12;
    private static final int MAX_HEALTH_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d{1,9})\\s*$");
    private static final Pattern STACK_FRAME = Pattern.compile("\\s+(at |\\.\\.\\. \\d+ (common frames )?(omitted|more))");
    /** Listen addresses that mean "every interface": clients on this machine reach them through the loopback. */
    private static final Set<String> WILDCARDS = Set.of("", "0.0.0.0", "::", "[::]", "*");

    private final GatewayConfig config;
    /** Where a started gateway logs and keeps its pid, with what chose it: a start it cannot hold names both. */
    private final DataDirectory dataDirectory;
    private final Map<String, String> env;
    private final String host;
    private final URI baseUrl;

    /** What answers on the port: a ccrouter gateway (what it says about itself), nothing, or something else. */
    sealed interface Answer {
    }

    /** A ccrouter gateway, as its {@code /health} describes it. */
    record Serving(String version, long pid, String upstream, long uptimeSeconds, long requestsServed,
                   GatewayConfig.ModelMapping models) implements Answer {
    }

    record Nothing() implements Answer {
    }

    record SomethingElse() implements Answer {
    }

    /** A gateway this command started: its process id and where it logs. */
    record Started(long pid, Path log, Path pidFile) {
    }

    /** The gateway could not be started; the message says why, for the user. */
    static final class StartFailure extends Exception {
        StartFailure(String message) {
            super(message);
        }
    }

    /**
     * @param dataDirectory the configuration's data directory ({@code config.dataDir()}) and what chose it
     * @param env           the environment the gateway is configured from; a started one gets exactly this
     */
    LocalGateway(GatewayConfig config, DataDirectory dataDirectory, Map<String, String> env) {
        this.config = config;
        this.dataDirectory = dataDirectory;
        this.env = env;
        this.host = reachableHost(config);
        this.baseUrl = baseUrl(config);
    }

    URI baseUrl() {
        return baseUrl;
    }

    /** Where a client on this machine reaches the gateway these settings configure. */
    static URI baseUrl(GatewayConfig config) {
        String host = reachableHost(config);
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + config.port());
    }

    /** The listening address without brackets; one that means every interface is reached through the loopback. */
    private static String reachableHost(GatewayConfig config) {
        String listen = config.host().startsWith("[") && config.host().endsWith("]")
                ? config.host().substring(1, config.host().length() - 1) : config.host();
        return WILDCARDS.contains(config.host()) ? "127.0.0.1" : listen;
    }

    /** Where a background gateway keeps its process id: one background gateway per data directory. */
    Path pidFile() {
        return dataDirectory.path().resolve("ccrouter.pid");
    }

    /** Where a background gateway writes its log. */
    Path log() {
        return dataDirectory.path().resolve("ccrouter.log");
    }

    /**
     * One {@code GET /health} over a plain socket: the JDK's HTTP client costs about half a second to set up, which
     * every {@code ccrouter code} would pay before Claude Code even starts.
     */
    Answer probe() {
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(host, config.port()), (int) CONNECT_TIMEOUT.toMillis());
            } catch (IOException e) {
                // Refused, silent, a name that does not resolve, a network not reachable: nothing answers there,
                // and nothing else holds the port either (serve says what is wrong with the address, if anything).
                return new Nothing();
            }
            socket.setSoTimeout((int) PROBE_TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /health HTTP/1.1\r\nHost: " + baseUrl.getAuthority() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Read by Content-Length: the server may keep the connection open a while after answering.
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String head = head(in);
            Matcher length = CONTENT_LENGTH.matcher(head);
            if (!head.matches("(?s)HTTP/1\\.[01] 200( .*)?") || !length.find()
                    || Integer.parseInt(length.group(1)) > MAX_HEALTH_BYTES) {
                return new SomethingElse();
            }
            return serving(JSON.readTree(in.readNBytes(Integer.parseInt(length.group(1)))));
        } catch (IOException e) {
            return new SomethingElse();
        }
    }

    /** The status line and headers, up to the blank line. */
    private static String head(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int next;
        while (head.length() < MAX_HEALTH_BYTES && (next = in.read()) >= 0) {
            head.append((char) next);
            int length = head.length();
            if (next == '\n' && length >= 4 && head.charAt(length - 3) == '\n') {
                break; // \r\n\r\n
            }
        }
        return head.toString();
    }

    private static Answer serving(JsonNode health) {
        if (!"ok".equals(health.path("status").asText()) || !health.has("pid")) {
            return new SomethingElse();
        }
        JsonNode models = health.path("models");
        return new Serving(health.path("version").asText(), health.path("pid").asLong(),
                health.path("upstream").asText(), health.path("uptime_seconds").asLong(),
                health.path("requests_served").asLong(), new GatewayConfig.ModelMapping(models.path("haiku").asText(),
                models.path("sonnet").asText(), models.path("opus").asText()));
    }

    /**
     * Starts {@code ccrouter serve} with this JVM and class path, detached from the terminal, and waits until it
     * answers. It ignores the terminal's Ctrl-C, hang-up and stop signals (they are meant for Claude Code, which
     * shares the terminal), writes to {@code <data dir>/ccrouter.log} and leaves its pid in
     * {@code <data dir>/ccrouter.pid}.
     */
    Started start() throws StartFailure {
        if (config.port() == 0) {
            throw new StartFailure("the configured port is 0 (any free port), which Claude Code could not find: "
                    + "set CCROUTER_PORT");
        }
        ensureDataDirectory();
        Path log = log();
        Path pidFile = pidFile();
        Process process;
        long startOfThisRun;
        try {
            startOfThisRun = Files.exists(log) ? Files.size(log) : 0;
            Files.writeString(log, "--- " + Instant.now() + " starting a background gateway on " + baseUrl + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(serveCommand())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectErrorStream(true);
            builder.environment().clear();
            builder.environment().putAll(env);
            process = builder.start();
            Files.writeString(pidFile, process.pid() + "\n");
        } catch (IOException e) {
            throw new StartFailure("could not start a gateway: " + describe(e));
        }
        awaitHealthy(process, log, startOfThisRun);
        return new Started(process.pid(), log, pidFile);
    }

    /**
     * Creates the data directory when it is missing; one that cannot hold the log and pid file is refused in the line
     * {@code serve} refuses it with, naming the setting that chose it ({@link DataDirectory#ensureUsable}), where the
     * JDK's exception named only the path ({@code /etc/passwd (FileAlreadyExistsException)}).
     */
    private void ensureDataDirectory() throws StartFailure {
        try {
            dataDirectory.ensureUsable();
        } catch (ConfigException unusable) {
            throw new StartFailure(unusable.getMessage());
        }
    }

    /** What failed, readably: a file the JDK was denied, or did not find, is named by its path alone. */
    static String describe(IOException e) {
        if (e instanceof FileSystemException file && file.getReason() == null) {
            return e.getMessage() + switch (e) {
                case AccessDeniedException denied -> ": permission denied";
                case NoSuchFileException missing -> ": no such file or directory";
                default -> " (" + e.getClass().getSimpleName() + ")";
            };
        }
        return e.getMessage();
    }

    List<String> serveCommand() {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/bin/sh"))) {
            // Ignored signals stay ignored across exec, and the JVM does not install its handlers for them.
            command.addAll(List.of("/bin/sh", "-c", "trap '' INT HUP TSTP; exec \"$@\"", "ccrouter-gateway"));
        }
        // Started from the class path (so that its command line names Main, which is how a later command knows it),
        // it reads no manifest: what the jar's manifest opens is opened here, the socket poll that notices a client
        // leaving before its upstream answers (server/DepartureProbe) and sqlite-jdbc's native library without a
        // warning in the log.
        String[] serve = {"--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-cp", absoluteClassPath(), Main.class.getName(),
                "serve", "--host", config.host(), "--port", String.valueOf(config.port())};
        if (BoundedHeap.chosen(env, new String[0])) {
            // a heap or collector chosen in JAVA_TOOL_OPTIONS or JDK_JAVA_OPTIONS is left alone, as a bare java -jar
            // leaves it: the bound on the command line would override it
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(List.of(serve));
            return command;
        }
        // The bounded heap and the start-up cache the launcher runs the jar with: -XX:+UseSerialGC alone left the
        // heap limit at a quarter of the machine's memory, which Serial grows into before it collects.
        command.addAll(BoundedHeap.command(Path.of(System.getProperty("java.home")),
                BoundedHeap.cacheBeside(BoundedHeap.runningJar(), Runtime.version().feature()), serve));
        return command;
    }

    /** The class path with absolute entries, so that the gateway does not depend on where it was started from. */
    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            entries.add(entry.isEmpty() ? entry : Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private void awaitHealthy(Process process, Path log, long startOfThisRun) throws StartFailure {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            if (!process.isAlive()) {
                throw new StartFailure("the gateway stopped while starting (exit " + process.exitValue() + "); from "
                        + log + ":\n" + whyItStopped(log, startOfThisRun));
            }
            if (probe() instanceof Serving) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                process.destroy();
                throw new StartFailure("the gateway did not answer on " + baseUrl + " within "
                        + START_TIMEOUT.toSeconds() + " s; see " + log);
            }
            try {
                process.onExit().get(POLL.toMillis(), TimeUnit.MILLISECONDS); // returns early if it dies
            } catch (TimeoutException | ExecutionException e) {
                // still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StartFailure("interrupted while waiting for the gateway to start");
            }
        }
    }

    /**
     * What this start wrote to the log, without stack frames, at most the last {@value #REASON_LINES} lines: the
     * reason ({@code ccrouter: could not start on …}) and the exception lines, not a screenful of frames.
     */
    private static String whyItStopped(Path log, long startOfThisRun) {
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            byte[] bytes = new byte[(int) Math.min(file.length() - startOfThisRun, 1 << 20)];
            file.seek(file.length() - bytes.length);
            file.readFully(bytes);
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines()
                    .filter(line -> !STACK_FRAME.matcher(line).lookingAt() && !line.isBlank())
                    .toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - REASON_LINES), lines.size())) + "\n";
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")\n";
        }
    }
}
