package dev.ccrouter.cli;

import dev.ccrouter.config.ConfigException;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What {@code ccrouter start|stop|status|restart|logs} share: the settings (those {@code ccrouter serve} would use:
 * defaults, {@code CCROUTER_CONFIG}, the environment), the gateway on the configured port and the background one of
 * the data directory, and the terminal's streams.
 */
abstract class BackgroundCommand implements Callable<Integer> {
    /** LSB's exit status of {@code status} for a service that is not running. */
    static final int NOT_RUNNING = 3;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;

    BackgroundCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public final Integer call() {
        ConfigLoader.Loaded loaded;
        try {
            loaded = new ConfigLoader(env).loadWithLedger(ConfigLoader.Flags.NONE);
        } catch (ConfigException e) {
            err().println("ccrouter: " + e.getMessage());
            loaded = toleratesABrokenFile() ? withoutTheFile() : null;
            if (loaded == null) {
                return 2;
            }
        }
        GatewayConfig config = loaded.gateway();
        LocalGateway local = new LocalGateway(config, loaded.dataDirectory().withoutTheFlag(), env);
        try {
            return run(config, local, new BackgroundGateway(config, local));
        } finally {
            out().flush();
            err().flush();
        }
    }

    abstract int run(GatewayConfig config, LocalGateway local, BackgroundGateway background);

    /**
     * Whether the command goes on when the configuration file does not load. A gateway that runs keeps its last good
     * configuration when its file is edited into one it refuses, and stopping it, asking after it or reading its log
     * must not wait for the file to be mended: those commands then use the environment's and the defaults' settings.
     */
    boolean toleratesABrokenFile() {
        return false;
    }

    /** The settings without {@code CCROUTER_CONFIG}'s file, said so; null when there is no file or they fail too. */
    private ConfigLoader.Loaded withoutTheFile() {
        if (env.get("CCROUTER_CONFIG") == null) {
            return null; // the environment itself is what is wrong
        }
        Map<String, String> withoutFile = new HashMap<>(env);
        withoutFile.remove("CCROUTER_CONFIG");
        try {
            ConfigLoader.Loaded loaded = new ConfigLoader(withoutFile).loadWithLedger(ConfigLoader.Flags.NONE);
            err().println("ccrouter: going on without that file: data directory " + loaded.gateway().dataDir()
                    + ", port " + loaded.gateway().port() + " (the environment's and the defaults')");
            return loaded;
        } catch (ConfigException e) {
            return null;
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** SIGTERM to the background gateway, waiting for it to finish; says how long that took. */
    void stop(BackgroundGateway background, ProcessHandle process) {
        long millis = background.stop(process).toMillis();
        out().println("ccrouter: stopped the background gateway (pid " + process.pid() + ") in " + millis + " ms");
    }

    /** Starts the background gateway when none answers, restarts it when its settings differ. */
    int ensure(LocalGateway local, BackgroundGateway background) {
        try {
            BackgroundGateway.Outcome outcome = background.ensure();
            out().println("ccrouter: " + BackgroundGateway.announcement(outcome, local).orElse(
                    "a gateway with these settings already runs on " + local.baseUrl()));
            return 0;
        } catch (LocalGateway.StartFailure e) {
            err().println("ccrouter: " + e.getMessage());
            return 1;
        }
    }
}
