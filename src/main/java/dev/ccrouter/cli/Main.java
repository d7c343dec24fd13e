package dev.ccrouter.cli;

import java.util.OptionalInt;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ccrouter <command>}: the entry point of the fat jar and of the {@code ./ccrouter} launcher. */
@Command(name = "ccrouter",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Anthropic Messages API gateway for OpenRouter and other OpenAI-compatible providers.",
        subcommands = {ServeCommand.class, CodeCommand.class, StartCommand.class, StopCommand.class, StatusCommand.class,
                RestartCommand.class, LogsCommand.class, ConfigCommand.class, UsageCommand.class, StatuslineCommand.class,
                VersionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        OptionalInt bounded = BoundedHeap.relaunchIfUnbounded(System.getenv());
        System.exit(bounded.isPresent() ? bounded.getAsInt() : execute(args));
    }

    /** Runs one command in this JVM and returns its exit status (the AOT training run starts the gateway so). */
    public static int execute(String... args) {
        // Helidon logs through java.util.logging; route it to SLF4J so there is one log format.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
