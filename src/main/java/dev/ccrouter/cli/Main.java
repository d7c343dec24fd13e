package dev.ccrouter.cli;

import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ccrouter <command>}: the entry point of the fat jar and of the {@code ./ccrouter} launcher. */
@Command(name = "ccrouter",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Anthropic Messages API gateway for OpenRouter and other OpenAI-compatible providers.",
        subcommands = {ServeCommand.class, CodeCommand.class, ConfigCommand.class, UsageCommand.class,
                StatuslineCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        // Helidon logs through java.util.logging; route it to SLF4J so there is one log format.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
