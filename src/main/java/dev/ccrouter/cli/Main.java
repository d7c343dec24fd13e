package dev.ccrouter.cli;

import dev.ccrouter.server.StartAhead;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

    public static void main(String[] args) {
        OptionalInt bounded = BoundedHeap.relaunchIfUnbounded(System.getenv());
        System.exit(bounded.isPresent() ? bounded.getAsInt() : execute(args));
    }

    /**
     * Whether this JVM's options choose a heap or a collector: what {@link #main} asks before anything else, here for
     * the start-up cache's training (training/AotTraining). It only asks: it never starts another JVM.
     */
    public static boolean heapChosen() {
        return BoundedHeap.chosenHere(System.getenv());
    }

    /** Runs one command in this JVM and returns its exit status (the AOT training run starts the gateway so). */
    public static int execute(String... args) {
        preferPlatformPollers();
        Optional<ServeArguments> serve = plainServe(args);
        if (serve.isPresent()) {
            StartAhead.begin(); // beside the logging's set-up below
        }
        // The PostgreSQL driver logs through java.util.logging; route it to SLF4J so there is one log format.
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        if (serve.isPresent()) {
            return serve(serve.get());
        }
        return commandLine(args).execute(args);
    }

    /**
     * Virtual threads wait for their sockets through the JDK's pollers. Its default on Linux (mode 2) runs them as
     * virtual threads under one platform "master" poller, so a request arriving at an idle gateway wakes the master,
     * then a carrier for the poller, then a carrier for the request; platform-thread pollers (mode 1) wake one thread
     * fewer at each of a request's two waits (the client's request, the upstream's answer). Measured in
     * docs/benchmarks.md: 0.02–0.09 ms less added p50, a lower p99, the same CPU per request under load. Set
     * before the first socket wait (the pollers start there); a {@code -Djdk.pollerMode} given is left alone.
     */
    static void preferPlatformPollers() {
        System.getProperties().putIfAbsent("jdk.pollerMode", "1");
    }

    /** {@code serve} with arguments read without picocli ({@link ServeArguments}); empty for any other command line. */
    static Optional<ServeArguments> plainServe(String... args) {
        return args.length > 0 && args[0].equals("serve")
                ? ServeArguments.read(Arrays.asList(args).subList(1, args.length)) : Optional.empty();
    }

    /** Runs {@code serve} as picocli would: its error writer, and an unexpected failure's trace with status 1. */
    private static int serve(ServeArguments arguments) {
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err), true);
        try {
            return new ServeCommand().serve(arguments, err);
        } catch (InterruptedException | RuntimeException e) {
            e.printStackTrace(err);
            return 1;
        }
    }

    /**
     * The command line for these arguments: when they start with a command's name only that command is built, since
     * picocli reflecting over every command's options was a fifth of {@code serve}'s start; otherwise (no command,
     * {@code --help}, {@code help}, a misspelt name) all of them.
     */
    static CommandLine commandLine(String... args) {
        // The subcommands, in the order the usage lists them (a local list: naming picocli's HelpCommand in a static
        // field would load picocli on the way to a plain serve).
        List<Class<?>> commands = List.of(ServeCommand.class, CodeCommand.class, StartCommand.class,
                StopCommand.class, StatusCommand.class, RestartCommand.class, LogsCommand.class, ConfigCommand.class,
                UsageCommand.class, StatuslineCommand.class, VersionCommand.class, CommandLine.HelpCommand.class);
        CommandLine line = new CommandLine(new Main());
        List<Class<?>> named = args.length == 0 || args[0].equals("help") ? List.of()
                : commands.stream().filter(command -> command.getAnnotation(Command.class).name().equals(args[0])).toList();
        (named.isEmpty() ? commands : named).forEach(line::addSubcommand);
        VersionCommand.answeredBy(line.getSubcommands().values());
        // No command reads argument files, and "ccrouter code" passes "@file" on: Claude Code's file mention.
        line.setExpandAtFiles(false);
        line.setParameterExceptionHandler(Main::refused);
        return line;
    }

    /**
     * A command line that cannot be read: what is wrong, the suggestions for a misspelt name, and where the options
     * are listed, instead of picocli's whole usage after the one line that matters.
     */
    private static int refused(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("'" + command.getCommandSpec().qualifiedName() + " --help' lists its options.");
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public void run() {
        commandLine().usage(System.out);
    }
}
