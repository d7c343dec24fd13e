package dev.ccrouter.cli;

import java.util.List;
import java.util.OptionalInt;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ccrouter <command>}: the entry point of the fat jar and of the {@code ./ccrouter} launcher. */
@Command(name = "ccrouter",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Anthropic Messages API gateway for OpenRouter and other OpenAI-compatible providers.")
public final class Main implements Runnable {
    /** The subcommands, in the order the usage lists them. */
    private static final List<Class<?>> COMMANDS = List.of(ServeCommand.class, CodeCommand.class, StartCommand.class,
            StopCommand.class, StatusCommand.class, RestartCommand.class, LogsCommand.class, ConfigCommand.class,
            UsageCommand.class, StatuslineCommand.class, VersionCommand.class, CommandLine.HelpCommand.class);

    public static void main(String[] args) {
        OptionalInt bounded = BoundedHeap.relaunchIfUnbounded(System.getenv());
        System.exit(bounded.isPresent() ? bounded.getAsInt() : execute(args));
    }

    /** Runs one command in this JVM and returns its exit status (the AOT training run starts the gateway so). */
    public static int execute(String... args) {
        // Helidon logs through java.util.logging; route it to SLF4J so there is one log format.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        return commandLine(args).execute(args);
    }

    /**
     * The command line for these arguments: when they start with a command's name only that command is built, since
     * picocli reflecting over every command's options was a fifth of {@code serve}'s start; otherwise (no command,
     * {@code --help}, {@code help}, a misspelt name) all of them.
     */
    static CommandLine commandLine(String... args) {
        CommandLine line = new CommandLine(new Main());
        List<Class<?>> named = args.length == 0 || args[0].equals("help") ? List.of()
                : COMMANDS.stream().filter(command -> command.getAnnotation(Command.class).name().equals(args[0])).toList();
        (named.isEmpty() ? COMMANDS : named).forEach(line::addSubcommand);
        return line;
    }

    @Override
    public void run() {
        commandLine().usage(System.out);
    }
}
