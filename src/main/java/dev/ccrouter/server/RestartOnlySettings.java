package dev.ccrouter.server;

import dev.ccrouter.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** The settings a running gateway cannot change under its feet: the socket, its files, its upstream client. */
final class RestartOnlySettings {
    private record Watched(String name, Function<GatewayConfig, Object> value) {
    }

    private static final List<Watched> WATCHED = List.of(
            new Watched("server.host", GatewayConfig::host),
            new Watched("server.port", GatewayConfig::port),
            new Watched("server.max_body_bytes", GatewayConfig::maxBodyBytes),
            new Watched("server.public_url", GatewayConfig::publicUrl),
            // each by the name the user edits: "server.* limits" for a changed server.cors_origins sent them looking
            new Watched("server.header_timeout_seconds", config -> config.edge().headerTimeout()),
            new Watched("server.body_timeout_seconds", config -> config.edge().bodyTimeout()),
            new Watched("server.idle_timeout_seconds", config -> config.edge().idleTimeout()),
            new Watched("server.max_connections", config -> config.edge().maxConnections()),
            new Watched("server.max_connections_per_client", config -> config.edge().maxConnectionsPerClient()),
            new Watched("server.trusted_proxies", config -> config.edge().trustedProxies()),
            new Watched("server.cors_origins", config -> config.edge().corsOrigins()),
            new Watched("server.shutdown_grace_seconds", GatewayConfig::shutdownGrace),
            new Watched("upstream.base_url", GatewayConfig::upstreamBaseUrl),
            new Watched("upstream.connect_timeout_seconds", GatewayConfig::connectTimeout),
            new Watched("upstream.read_timeout_seconds", GatewayConfig::readTimeout),
            new Watched("upstream.http_referer and title", config -> List.of(
                    String.valueOf(config.httpReferer()), String.valueOf(config.appTitle()))),
            new Watched("pricing.refresh_minutes", GatewayConfig::pricingRefresh),
            new Watched("data_dir", GatewayConfig::dataDir),
            new Watched("operator", GatewayConfig::operator));

    private RestartOnlySettings() {
    }

    /** The names of the restart-only settings that differ between the two configurations. */
    static List<String> changed(GatewayConfig running, GatewayConfig next) {
        List<String> changed = new ArrayList<>();
        for (Watched watched : WATCHED) {
            if (!Objects.equals(watched.value().apply(running), watched.value().apply(next))) {
                changed.add(watched.name());
            }
        }
        return changed;
    }
}
