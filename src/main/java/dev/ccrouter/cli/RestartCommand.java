package dev.ccrouter.cli;

import dev.ccrouter.config.GatewayConfig;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code ccrouter restart}: stop the background gateway, then start it with this environment's settings. */
@Command(name = "restart", mixinStandardHelpOptions = true,
        description = {"Stop the background gateway and start it again with the settings of this environment "
                + "(for instance after editing the config file)."})
final class RestartCommand extends BackgroundCommand {

    RestartCommand() {
        this(System.getenv());
    }

    RestartCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    int run(GatewayConfig config, LocalGateway local, BackgroundGateway background) {
        background.running().ifPresent(process -> stop(background, process));
        return ensure(local, background);
    }
}
