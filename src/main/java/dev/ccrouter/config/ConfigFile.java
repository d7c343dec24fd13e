package dev.ccrouter.config;

import java.util.List;
import java.util.Map;

/**
 * The configuration file as bound by Jackson, one record per section; unknown keys are rejected at every depth. It
 * holds what was written (after defaults, environment and flags were merged in and {@code ${VAR}} resolved), before
 * {@link ConfigValidator} checks it and {@link ConfigLoader} turns it into a {@link GatewayConfig}.
 */
record ConfigFile(Server server,
                  Upstream upstream,
                  GatewayConfig.ModelMapping models,
                  Map<String, Integer> maxOutputTokens,
                  Stream stream,
                  Pricing pricing,
                  String dataDir,
                  AuthSettings auth,
                  List<ProviderSettings> providers,
                  RouteSettings routes,
                  Ledger ledger,
                  Operator operator,
                  Map<String, PriceSettings> prices) {

    record Server(String host,
                  Integer port,
                  Long maxBodyBytes,
                  String publicUrl,
                  Integer headerTimeoutSeconds,
                  Integer bodyTimeoutSeconds,
                  Integer idleTimeoutSeconds,
                  Integer maxConnections,
                  Integer maxConnectionsPerClient,
                  List<String> trustedProxies,
                  List<String> corsOrigins,
                  Integer shutdownGraceSeconds) {
    }

    record Upstream(String baseUrl,
                    Integer connectTimeoutSeconds,
                    Integer readTimeoutSeconds,
                    String httpReferer,
                    String title) {
    }

    record Stream(Integer pingIntervalSeconds, Integer earlyStartSeconds) {
    }

    record Pricing(Integer refreshMinutes) {
    }

    /** See {@link GatewayConfig.Operator}. */
    record Operator(String name, String contact, String sourceUrl) {
    }

    /** See {@link LedgerSettings}; an empty {@code url} means SQLite in the data directory. */
    record Ledger(Boolean enabled, String url, Integer queueSize, Integer batchIntervalMs) {
    }
}
