package dev.ccrouter.cli;

import dev.ccrouter.config.ConfigLoader;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code serve}'s flags read without picocli, so that starting the gateway does not load, verify and reflect over
 * picocli's classes: they are Java 5 bytecode, which JDK 25's ahead-of-time cache cannot hold, and were a quarter of
 * the start's main thread (docs/benchmarks.md, "Start-up").
 *
 * <p>Only plainly well-formed arguments are read here: each of {@code --port --host --upstream --config --data-dir}
 * at most once, as {@code --name value} or {@code --name=value} with a value that cannot be mistaken for an option,
 * a port in digits, and the bare {@code --exit-when-ready}. Anything else (help, version, an unknown or repeated
 * option, a missing or odd value, an {@code @file}) is left to picocli's {@link ServeCommand}, which answers it with
 * its usual help or error message, so the two paths cannot disagree on what a command line means.
 */
record ServeArguments(ConfigLoader.Flags flags, boolean exitWhenReady) {
    private static final Set<String> VALUED = Set.of("--port", "--host", "--upstream", "--config", "--data-dir");
    private static final String EXIT_WHEN_READY = "--exit-when-ready";
    /** Nine digits at most: any such number is an int, as picocli's conversion of the port needs. */
    private static final int PORT_DIGITS = 9;

    /** The flags of {@code serve <arguments>}; empty when picocli is to read them. */
    static Optional<ServeArguments> read(List<String> arguments) {
        Map<String, String> values = new HashMap<>();
        boolean exitWhenReady = false;
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (argument.equals(EXIT_WHEN_READY) && !exitWhenReady) {
                exitWhenReady = true;
                continue;
            }
            int equals = argument.indexOf('=');
            String name = equals < 0 ? argument : argument.substring(0, equals);
            if (!VALUED.contains(name) || values.containsKey(name)) {
                return Optional.empty();
            }
            String value;
            if (equals >= 0) {
                value = argument.substring(equals + 1);
            } else if (i + 1 < arguments.size()) {
                value = arguments.get(++i);
            } else {
                return Optional.empty();
            }
            if (!plain(value)) {
                return Optional.empty();
            }
            values.put(name, value);
        }
        String port = values.get("--port");
        if (port != null && !(port.length() <= PORT_DIGITS && port.chars().allMatch(c -> c >= '0' && c <= '9'))) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ServeArguments(new ConfigLoader.Flags(
                    port == null ? null : Integer.valueOf(port),
                    values.get("--host"),
                    values.get("--upstream"),
                    path(values.get("--config")),
                    path(values.get("--data-dir"))), exitWhenReady));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    /** A value picocli takes as it is: not empty, not option-like, not an {@code @file} it would expand. */
    private static boolean plain(String value) {
        return !value.isEmpty() && !value.startsWith("-") && !value.startsWith("@");
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }
}
