package dev.ccrouter.cli;

import dev.ccrouter.config.ConfigException;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.server.GatewayServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ccrouter serve}: starts the gateway and runs until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Start the gateway (default http://127.0.0.1:8787).",
                "Settings: embedded defaults < YAML file (CCROUTER_CONFIG, --config) < environment < flags.",
                "Environment: CCROUTER_PORT, CCROUTER_HOST, OPENROUTER_BASE_URL, CCROUTER_CONFIG, CCROUTER_DATA_DIR,",
                "CCROUTER_MODEL_HAIKU, CCROUTER_MODEL_SONNET, CCROUTER_MODEL_OPUS."})
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--port", description = "Port to listen on (CCROUTER_PORT, default 8787).")
    Integer port;

    @Option(names = "--host", description = "Address to listen on (CCROUTER_HOST, default 127.0.0.1).")
    String host;

    @Option(names = "--upstream", description = "Upstream base URL (OPENROUTER_BASE_URL, default https://openrouter.ai/api/v1).")
    String upstream;

    @Option(names = "--config", description = "YAML config file (CCROUTER_CONFIG).")
    Path config;

    @Option(names = "--data-dir", description = "Data directory (CCROUTER_DATA_DIR, default ~/.ccrouter).")
    Path dataDir;

    @Option(names = "--exit-when-ready", hidden = true,
            description = "Start, answer /health once, and exit 0 (checks a configuration; the launcher trains its "
                    + "class-data archive this way).")
    boolean exitWhenReady;

    @Override
    public Integer call() throws InterruptedException {
        GatewayConfig settings;
        try {
            settings = new ConfigLoader(System.getenv()).load(new ConfigLoader.Flags(port, host, upstream, config, dataDir));
        } catch (ConfigException e) {
            System.err.println("ccrouter: " + e.getMessage());
            return 2;
        }
        GatewayServer server;
        try {
            server = new GatewayServer(settings).start();
        } catch (ConfigException e) { // a setting only the providers' construction can judge, such as auth.keys
            System.err.println("ccrouter: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("ccrouter: could not start on " + settings.host() + ":" + settings.port() + ": "
                    + rootMessage(e));
            return 1;
        }
        if (exitWhenReady) {
            server.close();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "ccrouter-shutdown"));
        stopped.await();
        return 0;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
