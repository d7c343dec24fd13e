package dev.ccrouter.cli;

import dev.ccrouter.config.ConfigException;
import dev.ccrouter.config.ConfigImport;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.Settings;
import dev.ccrouter.route.Router;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ccrouter config …}: check a configuration, import claude-code-router's, list every setting. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Check a configuration, import claude-code-router's, or list every setting.")
final class ConfigCommand implements Runnable {
    /** The exit code of a configuration that cannot be used, as for {@code serve}. */
    static final int BAD_CONFIGURATION = 2;

    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    ConfigCommand() {
        this(System.getenv());
    }

    ConfigCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "check", description = {"Validate a configuration and print the one in effect (defaults, file, "
            + "environment) with every key masked.", "FILE defaults to CCROUTER_CONFIG."})
    int check(@Parameters(arity = "0..1", paramLabel = "FILE", description = "YAML, or claude-code-router's config.json")
              Path file) {
        ConfigLoader.Flags flags = new ConfigLoader.Flags(null, null, null, file, null);
        return print(warnings -> {
            String effective = new ConfigLoader(env, warnings).effectiveYaml(flags);
            // what only the providers' construction judges, as serve's start does (a provider without keys under
            // auth.keys): a file check passes is one serve takes
            new Router(new ConfigLoader(env, ignored -> { }).load(flags));
            return effective;
        });
    }

    @Command(name = "import-ccr", description = {"Write the ccrouter YAML equivalent to a claude-code-router "
            + "config.json to standard output.", "FILE defaults to ~/.claude-code-router/config.json."})
    int importCcr(@Parameters(arity = "0..1", paramLabel = "FILE") Path file) {
        Path source = file != null ? file : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")),
                ".claude-code-router", "config.json");
        return print(warnings -> {
            // said here rather than as a missing CCROUTER_CONFIG / --config, which import-ccr does not read
            if (!Files.exists(source)) {
                throw new ConfigException("no claude-code-router config.json at " + source
                        + (file == null ? " (name one: ccrouter config import-ccr path/to/config.json)" : ""));
            }
            return ConfigImport.fromClaudeCodeRouter(source, warnings);
        });
    }

    /** Prints what the configuration code produces, its warnings on stderr; a bad configuration exits 2. */
    private int print(Function<Consumer<String>, String> produce) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            out.print(produce.apply(warning -> err.println("ccrouter: warning: " + warning)));
            return 0;
        } catch (ConfigException e) {
            err.println("ccrouter: " + e.getMessage());
            return BAD_CONFIGURATION;
        } finally {
            err.flush();
            out.flush();
        }
    }

    @Command(name = "settings", description = "List every setting: its environment variable and flag, valid values, "
            + "default and meaning.")
    int settings() {
        spec.commandLine().getOut().print(Settings.text());
        spec.commandLine().getOut().flush();
        return 0;
    }
}
