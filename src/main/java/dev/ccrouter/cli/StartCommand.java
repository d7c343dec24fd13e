package dev.ccrouter.cli;

import dev.ccrouter.config.GatewayConfig;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code ccrouter start}: the gateway in the background, with the settings of this environment. */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Start the gateway in the background (settings as for serve: CCROUTER_PORT, "
                + "OPENROUTER_BASE_URL, CCROUTER_CONFIG, …). One already running with other settings is restarted.",
                "It logs to <data dir>/ccrouter.log and keeps its pid in <data dir>/ccrouter.pid "
                        + "(data dir: CCROUTER_DATA_DIR, default ~/.ccrouter)."})
final class StartCommand extends BackgroundCommand {

    StartCommand() {
        this(System.getenv());
    }

    StartCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    int run(GatewayConfig config, LocalGateway local, BackgroundGateway background) {
        return ensure(local, background);
    }
}
