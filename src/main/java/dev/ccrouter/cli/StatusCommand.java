package dev.ccrouter.cli;

import dev.ccrouter.config.GatewayConfig;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code ccrouter status}: what answers on the configured port, as the gateway itself describes it. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the gateway on the configured port: address, upstream, models, version, uptime, "
                + "requests served, and whether it is the background one (ccrouter start/code).",
                "Exit status: 0 running, 3 not running, 1 something else holds the port."})
final class StatusCommand extends BackgroundCommand {

    StatusCommand() {
        this(System.getenv());
    }

    StatusCommand(Map<String, String> env) {
        super(env);
    }

    @Override
    boolean toleratesABrokenFile() {
        return true;
    }

    @Override
    int run(GatewayConfig config, LocalGateway local, BackgroundGateway background) {
        return switch (local.probe()) {
            case LocalGateway.Serving gateway -> {
                boolean ours = background.isOurs(gateway.pid());
                out().println("ccrouter " + gateway.version() + " is running on " + local.baseUrl() + " (pid "
                        + gateway.pid() + (ours ? ", in the background: ccrouter stop stops it)"
                        : ", not started by ccrouter start or ccrouter code)"));
                out().println("  upstream  " + gateway.upstream());
                out().println("  models    opus → " + gateway.models().opus() + ", sonnet → " + gateway.models().sonnet()
                        + ", haiku → " + gateway.models().haiku());
                out().println("  uptime    " + readable(Duration.ofSeconds(gateway.uptimeSeconds())));
                out().println("  requests  " + gateway.requestsServed() + " served");
                if (ours) {
                    out().println("  log       " + local.log());
                }
                yield 0;
            }
            case LocalGateway.Nothing nothing -> {
                out().println("ccrouter: no gateway answers on " + local.baseUrl() + background.running()
                        .map(other -> "; the background gateway (pid " + other.pid() + ") listens on another port")
                        .orElse(""));
                yield NOT_RUNNING;
            }
            case LocalGateway.SomethingElse somethingElse -> {
                out().println("ccrouter: something other than ccrouter answers on " + local.baseUrl());
                yield 1;
            }
        };
    }

    /** When there is no background gateway to stop: what answers on the port instead, if anything. */
    static String foreign(LocalGateway local, BackgroundGateway background) {
        return local.probe() instanceof LocalGateway.Serving gateway
                ? "; the gateway on " + local.baseUrl() + " (pid " + gateway.pid() + ") was not started by ccrouter "
                        + "start or ccrouter code: stop it where it was started"
                : "";
    }

    /** {@code 42 s}, {@code 3 min 5 s}, {@code 2 h 07 min}, {@code 3 d 4 h}. */
    static String readable(Duration uptime) {
        long seconds = uptime.toSeconds();
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return seconds / 60 + " min " + seconds % 60 + " s";
        }
        if (seconds < 86_400) {
            return seconds / 3600 + " h " + String.format("%02d", seconds % 3600 / 60) + " min";
        }
        return seconds / 86_400 + " d " + seconds % 86_400 / 3600 + " h";
    }
}
