package dev.ccrouter.cli;

import ch.qos.logback.classic.LoggerContext;
import dev.ccrouter.config.ConfigException;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.ConfigWatcher;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerUnavailableException;
import dev.ccrouter.server.GatewayServer;
import dev.ccrouter.server.StartAhead;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ccrouter serve}: starts the gateway and runs until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Start the gateway (default http://127.0.0.1:8787).",
                "Settings: embedded defaults < YAML file (CCROUTER_CONFIG, --config) < environment < flags.",
                "Every setting with its environment variable: ccrouter config settings.",
                "A configuration file is watched: a valid change is applied, a broken one is logged and ignored."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    /**
     * Whether the gateway rehearses Claude Code's first turns before it listens (GatewayServer.startRehearsed); the
     * property {@code ccrouter.rehearse=false} leaves it out, to measure what it does.
     */
    private static final boolean REHEARSE = !"false".equals(System.getProperty("ccrouter.rehearse"));

    @Option(names = "--port", description = "Port to listen on (CCROUTER_PORT, default 8787).")
    Integer port;

    @Option(names = "--host", description = "Address to listen on (CCROUTER_HOST, default 127.0.0.1).")
    String host;

    @Option(names = "--upstream", description = "Upstream base URL (OPENROUTER_BASE_URL, default https://openrouter.ai/api/v1).")
    String upstream;

    @Option(names = "--config", description = "YAML config file, or claude-code-router's config.json (CCROUTER_CONFIG).")
    Path config;

    @Option(names = "--data-dir", description = "Data directory (CCROUTER_DATA_DIR, default ~/.ccrouter).")
    Path dataDir;

    @Option(names = "--exit-when-ready", hidden = true,
            description = "Start, answer /health once, and exit 0 (checks a configuration; the launcher trains its "
                    + "class-data archive this way).")
    boolean exitWhenReady;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;

    ServeCommand() {
        this(System.getenv());
    }

    ServeCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
        return serve(new ServeArguments(new ConfigLoader.Flags(port, host, upstream, config, dataDir), exitWhenReady),
                spec.commandLine().getErr());
    }

    /**
     * Runs the gateway until it is stopped and returns the exit status; both ways in come here: picocli's, and
     * {@link Main}'s reading of plain {@code serve} arguments without it ({@link ServeArguments}).
     */
    int serve(ServeArguments arguments, PrintWriter err) throws InterruptedException {
        StartAhead.begin(); // what the start needs first, while the settings are read (Main has begun it already)
        ConfigLoader loader = new ConfigLoader(env);
        ConfigLoader.Flags flags = arguments.flags();
        ConfigLoader.Loaded loaded;
        try {
            loaded = loader.loadWithLedger(flags);
            if (loaded.ledger().enabled()) {
                loaded.ensureLedgerDirectory(); // said in words of its own, before the ledger's opening quotes a driver
            }
        } catch (ConfigException e) {
            err.println("ccrouter: " + e.getMessage());
            err.flush();
            return ConfigCommand.BAD_CONFIGURATION;
        }
        GatewayConfig settings = loaded.gateway();
        LedgerSettings ledger = loaded.ledger();
        GatewayServer server;
        try {
            GatewayServer gateway = new GatewayServer(settings, ledger);
            // --exit-when-ready checks that the gateway starts: there is no first request to rehearse for
            server = REHEARSE && !arguments.exitWhenReady() ? gateway.startRehearsed() : gateway.start();
        } catch (LedgerUnavailableException | ConfigException e) {
            // an unreachable ledger, or a setting only the providers' construction can judge (such as auth.keys)
            System.err.println("ccrouter: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            err.println("ccrouter: could not start on " + settings.listenAddress(settings.port()) + ": "
                    + rootMessage(e));
            err.flush();
            return 1;
        }
        if (arguments.exitWhenReady()) {
            server.close();
            return 0;
        }
        System.err.println(howToPointClaudeCode(settings.withPort(server.port()), server.clientKeyTakers()));
        Optional<ConfigWatcher> watching = watch(loader, flags, loaded, server);
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean listenerLost = new AtomicBoolean();
        server.onListenerLost(() -> {
            listenerLost.set(true);
            stopped.countDown();
        });
        // SIGTERM or Ctrl-C: the server drains (see GatewayServer.close), then the log queue is written out.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            watching.ifPresent(ConfigWatcher::close);
            server.close();
            if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
                logging.stop();
            }
            stopped.countDown();
        }, "ccrouter-shutdown"));
        stopped.await();
        if (listenerLost.get()) {
            System.err.println("ccrouter: the listening socket stopped; exiting so that a supervisor can restart it");
            return 1;
        }
        return 0;
    }

    /**
     * The line {@code serve} ends its start with. Behind {@code auth.keys} the token Claude Code sends is one of those
     * keys (its OpenRouter key would be refused 401); otherwise it is the key forwarded to the providers named, or any
     * value when the routes forward it to none (each has its own keys, or takes none).
     *
     * @param clientKeyTakers the providers the routes send the client's key to ({@code route.Router.clientKeyTakers})
     */
    static String howToPointClaudeCode(GatewayConfig listening, Set<String> clientKeyTakers) {
        String token = listening.auth().required() ? "<a key of auth.keys>"
                : clientKeyTakers.isEmpty() ? ClaudeEnvironment.NO_KEY_NEEDED
                : clientKeyTakers.equals(Set.of(GatewayConfig.IMPLICIT_PROVIDER)) ? "<your OpenRouter key>"
                : "<your key for " + String.join(", ", clientKeyTakers) + ">";
        return "ccrouter: point Claude Code at it with  ANTHROPIC_BASE_URL=" + LocalGateway.baseUrl(listening)
                + " ANTHROPIC_AUTH_TOKEN=" + token + " ANTHROPIC_API_KEY= claude  (or run: ccrouter code)";
    }

    private static Optional<ConfigWatcher> watch(ConfigLoader loader, ConfigLoader.Flags flags,
                                                 ConfigLoader.Loaded started, GatewayServer server) {
        try {
            // a change the server's providers cannot be built from is refused there, and said by the watcher
            return ConfigWatcher.start(loader, flags, started, server::reconfigure);
        } catch (IOException e) {
            LOG.warn("the configuration file cannot be watched, changes need a restart: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
