package dev.ccrouter.cli;

import dev.ccrouter.config.ConfigException;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.route.Router;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code ccrouter code [claude args…]}: Claude Code through the local gateway. It starts a gateway in the background
 * when none answers on the configured port, points Claude Code at it with the key, runs {@code claude} on this
 * terminal with every other argument, and exits with its status.
 */
@Command(name = "code",
        customSynopsis = "ccrouter code [--help] [claude arguments…]",
        description = {"Run Claude Code through the gateway on the configured port (CCROUTER_PORT, default 8787), "
                + "starting one in the background when none answers.",
                "Every argument goes to claude: ccrouter code -p \"explain this repo\" --model sonnet.",
                "Claude Code's own help: ccrouter code -- --help.",
                "Key: OPENROUTER_API_KEY (else ANTHROPIC_AUTH_TOKEN or ANTHROPIC_API_KEY); with auth.keys, the one "
                        + "of them that holds a gateway key. Models: the gateway's mapping "
                        + "(CCROUTER_MODEL_OPUS/SONNET/HAIKU) or claude's --model.",
                "Claude Code: CCROUTER_CLAUDE_BIN, else claude on the PATH. A started gateway logs to "
                        + "<data dir>/ccrouter.log and keeps its pid in <data dir>/ccrouter.pid; one started earlier "
                        + "with another upstream or model mapping is restarted. ccrouter stop stops it.",
                "To resume a conversation through the gateway: ccrouter code --resume (claude --resume alone "
                        + "bypasses it)."})
final class CodeCommand implements Callable<Integer> {
    /** What a shell returns for a command it cannot find. */
    static final int NOT_INSTALLED = 127;
    /** What a shell returns for a command it found but could not run. */
    static final int CANNOT_RUN = 126;
    /** Claude Code's flags after which no conversation is left to resume or status line to show. */
    private static final Set<String> ONE_SHOT = Set.of("-p", "--print", "-h", "--help", "-v", "--version");
    /**
     * Said after an interactive session: Claude Code's own parting advice, {@code claude --resume <id>}, would reach
     * Anthropic (or whatever the shell configures) rather than this gateway.
     */
    static final String RESUME_HINT = "ccrouter: to pick this conversation up again through the gateway: "
            + "ccrouter code --resume (or --continue)";
    /** How long Claude Code gets to finish by itself when this process is told to stop. */
    private static final long CLAUDE_GRACE_SECONDS = 5;
    private static final Signal INTERRUPT = new Signal("INT");

    @Option(names = "--help", usageHelp = true, description = "This help.")
    boolean help;

    @Option(names = "--statusline", description = "Show this session's cost in Claude Code's status line: set "
            + "statusLine in ~/.claude/settings.json to ccrouter statusline, replacing one set there before.")
    boolean statusline;

    @Option(names = "--no-statusline", description = "Leave Claude Code's status line alone (without either flag, "
            + "ccrouter code offers to set it when none is set).")
    boolean noStatusline;

    @Unmatched
    List<String> claudeArgs = new ArrayList<>();

    private CommandSpec spec;
    private final Map<String, String> env;
    private final StatusLineOffer.Question question;

    CodeCommand() {
        this(System.getenv());
    }

    CodeCommand(Map<String, String> env) {
        this(env, StatusLineOffer.Question.console());
    }

    /** @param question how the status-line offer asks the user */
    CodeCommand(Map<String, String> env, StatusLineOffer.Question question) {
        this.env = env;
        this.question = question;
    }

    /** Everything from the first argument that is not this command's own goes to claude untouched, {@code --} too. */
    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        spec.parser().stopAtUnmatched(true);
        // "@file" is Claude Code's own file mention (claude -p "@src/main.c"), not picocli's argument file.
        spec.parser().expandAtFiles(false);
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        Optional<Path> claude;
        try {
            claude = ClaudeBinary.find(env);
        } catch (IllegalArgumentException e) {
            return fail(err, e.getMessage(), NOT_INSTALLED);
        }
        if (claude.isEmpty()) {
            return fail(err, ClaudeBinary.NOT_INSTALLED, NOT_INSTALLED);
        }
        ConfigLoader.Loaded loaded;
        boolean routesTakeClientKey;
        try {
            loaded = new ConfigLoader(env).loadWithLedger(ConfigLoader.Flags.NONE);
            routesTakeClientKey = !new Router(loaded.gateway()).clientKeyTakers().isEmpty();
        } catch (ConfigException e) {
            return fail(err, e.getMessage(), 2);
        }
        GatewayConfig config = loaded.gateway();
        Optional<String> key;
        if (config.auth().required()) {
            key = ClaudeEnvironment.gatewayKey(env, config.auth());
            if (key.isEmpty()) {
                return fail(err, ClaudeEnvironment.noGatewayKey(env), 2);
            }
        } else {
            key = ClaudeEnvironment.key(env);
            if (key.isEmpty() && routesTakeClientKey) {
                return fail(err, ClaudeEnvironment.NO_KEY, 2);
            }
            if (key.isEmpty()) {
                key = Optional.of(ClaudeEnvironment.NO_KEY_NEEDED); // every route's provider has its own keys, or none
            }
        }

        LocalGateway gateway = new LocalGateway(config, loaded.dataDirectory().withoutTheFlag(), env);
        try {
            BackgroundGateway.announcement(new BackgroundGateway(config, gateway).ensure(), gateway)
                    .ifPresent(line -> err.println("ccrouter: " + line));
        } catch (LocalGateway.StartFailure e) {
            return fail(err, e.getMessage(), 1);
        }
        StatusLineOffer.Choice choice = statusline ? StatusLineOffer.Choice.SET
                : noStatusline ? StatusLineOffer.Choice.LEAVE : StatusLineOffer.Choice.OFFER;
        new StatusLineOffer(env, config.dataDir())
                .apply(choice, interactive() ? question : ignored -> Optional.empty())
                .ifPresent(line -> err.println("ccrouter: " + line));
        err.flush();
        try {
            int exitCode = runClaude(claude.get(), ClaudeEnvironment.forGateway(env, gateway.baseUrl(), key.get()));
            if (interactive()) {
                err.println(RESUME_HINT);
                err.flush();
            }
            return exitCode;
        } catch (IOException e) {
            return fail(err, "could not run " + claude.get() + ": " + e.getMessage(), CANNOT_RUN);
        }
    }

    private int runClaude(Path claude, Map<String, String> claudeEnv) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(claude.toString());
        command.addAll(claudeArgs);
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().clear();
        builder.environment().putAll(claudeEnv);
        // Ctrl-C on the terminal reaches this JVM as well as Claude Code, which handles it itself (clear the input,
        // interrupt the turn, a second one to quit): this JVM must go on waiting rather than shut down and end the
        // session. A handler that does nothing, not SIG_IGN: a caught signal is reset for the child at exec, an
        // ignored one would stay ignored in Claude Code.
        Optional<SignalHandler> previous = keepOnInterrupt();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            previous.ifPresent(handler -> Signal.handle(INTERRUPT, handler));
            throw e;
        }
        // Ctrl-C reaches Claude Code too, as it shares the terminal: let it finish rather than leave it orphaned.
        Thread stopClaude = new Thread(() -> {
            try {
                if (!process.waitFor(CLAUDE_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    process.destroy();
                }
            } catch (InterruptedException e) {
                process.destroy();
            }
        }, "ccrouter-code-stop-claude");
        Runtime.getRuntime().addShutdownHook(stopClaude);
        int exitCode;
        try {
            exitCode = process.waitFor();
        } finally {
            previous.ifPresent(handler -> Signal.handle(INTERRUPT, handler));
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopClaude);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running already, and finds Claude Code gone
        }
        return exitCode;
    }

    private static Optional<SignalHandler> keepOnInterrupt() {
        try {
            return Optional.of(Signal.handle(INTERRUPT, signal -> { }));
        } catch (IllegalArgumentException | UnsupportedOperationException e) { // the JVM keeps SIGINT (-Xrs)
            return Optional.empty();
        }
    }

    /**
     * A session on the terminal, not a one-shot {@code -p} answer, nor Claude Code's help or version, which it prints
     * and exits on wherever the flag stands.
     */
    private boolean interactive() {
        return claudeArgs.stream().noneMatch(ONE_SHOT::contains);
    }

    private static int fail(PrintWriter err, String message, int exitCode) {
        err.println("ccrouter: " + message);
        err.flush();
        return exitCode;
    }
}
