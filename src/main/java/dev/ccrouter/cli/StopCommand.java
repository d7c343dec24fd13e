package dev.ccrouter.cli;

import dev.ccrouter.config.GatewayConfig;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;

/** {@code ccrouter stop}: the background gateway finishes what it is doing and exits. */
@Command(name = "stop", mixinStandardHelpOptions = true,
        description = {"Stop the background gateway (the one named by <data dir>/ccrouter.pid): it stops accepting "
                + "connections and lets streams in flight finish for server.shutdown_grace_seconds."})
final class StopCommand extends BackgroundCommand {

    StopCommand() {
        this(System.getenv());
    }

    StopCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    boolean toleratesABrokenFile() {
        return true;
    }

    @Override
    int run(GatewayConfig config, LocalGateway local, BackgroundGateway background) {
        Optional<ProcessHandle> running = background.running();
        if (running.isEmpty()) {
            out().println("ccrouter: no background gateway is running" + StatusCommand.foreign(local, background));
            return 0;
        }
        stop(background, running.get());
        return 0;
    }
}
