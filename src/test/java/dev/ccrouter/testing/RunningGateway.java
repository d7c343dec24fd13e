package dev.ccrouter.testing;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.server.GatewayServer;
import java.net.URI;
import java.util.Map;
import java.util.function.UnaryOperator;

/** The real gateway on an ephemeral port, pointed at a {@link FakeUpstream}, configured from the embedded defaults. */
public final class RunningGateway implements AutoCloseable {
    private final GatewayServer server;

    private RunningGateway(GatewayServer server) {
        this.server = server;
    }

    public static RunningGateway start(FakeUpstream upstream) {
        return start(upstream, UnaryOperator.identity());
    }

    public static RunningGateway start(FakeUpstream upstream, UnaryOperator<GatewayConfig> adjust) {
        return start(upstream.baseUrl(), adjust);
    }

    public static RunningGateway start(String upstreamBaseUrl, UnaryOperator<GatewayConfig> adjust) {
        GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE)
                .withPort(0)
                .withUpstream(URI.create(upstreamBaseUrl));
        return new RunningGateway(new GatewayServer(adjust.apply(config)).start());
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
