package dev.ccrouter.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everything the gateway is configured with, after defaults, the YAML file, the environment and flags were applied
 * (in that order, later wins).
 *
 * @param host             listen address ({@code CCROUTER_HOST}, {@code --host})
 * @param port             listen port ({@code CCROUTER_PORT}, {@code --port}); 0 picks a free one
 * @param upstreamBaseUrl  base URL of the OpenAI-compatible API; {@code /chat/completions} and {@code /models} hang off
 *                         it ({@code OPENROUTER_BASE_URL}, {@code --upstream})
 * @param dataDir          where the gateway keeps its files ({@code CCROUTER_DATA_DIR})
 * @param maxBodyBytes     largest accepted request body; larger ones get 413 {@code request_too_large}
 * @param models           the upstream model for each Claude family
 * @param maxOutputTokens  output limits per upstream model id; {@code max_tokens} above them is clamped
 * @param pingInterval     an {@code event: ping} goes to a streaming client after this much silence
 * @param earlyStart       a streaming request whose upstream has sent no answer within this gets its stream started
 *                         at once (200, {@code message_start}, pings); zero waits for the upstream
 * @param connectTimeout   to open a connection to the upstream
 * @param readTimeout      longest silence tolerated from the upstream while waiting for or reading a response
 * @param httpReferer      sent upstream as {@code HTTP-Referer} (OpenRouter app attribution); null to omit
 * @param appTitle         sent upstream as {@code X-Title}; null to omit
 * @param pricingRefresh   how often the price catalog ({@code <upstream>/models}) is fetched again; zero never
 *                         fetches it (the saved copy or the bundled snapshot then prices everything)
 * @param publicUrl        the URL users reach this instance at, without a trailing slash ({@code server.public_url},
 *                         {@code CCROUTER_PUBLIC_URL}); null to derive it from each request's headers
 * @param providers        the configured providers; empty: one OpenRouter-style provider at {@code upstreamBaseUrl}
 *                         that forwards the client's key
 * @param routes           which provider and model serve which kind of request
 * @param auth             client keys the gateway itself asks for
 * @param edge             limits and trust at the listening socket ({@code server.*}, see {@link Edge})
 * @param shutdownGrace    how long a stop (SIGTERM) lets requests in flight finish before they are cut off
 *                         ({@code server.shutdown_grace_seconds}, {@code CCROUTER_SHUTDOWN_GRACE_SECONDS})
 * @param operator         who runs this instance, as the web pages name them
 * @param prices           prices by {@code provider,model} for models no catalog prices ({@code prices:})
 * @param file             the configuration file it was read from, or null: messages name settings as it spells them
 */
public record GatewayConfig(String host,
                            int port,
                            URI upstreamBaseUrl,
                            Path dataDir,
                            long maxBodyBytes,
                            ModelMapping models,
                            Map<String, Integer> maxOutputTokens,
                            Duration pingInterval,
                            Duration earlyStart,
                            Duration connectTimeout,
                            Duration readTimeout,
                            String httpReferer,
                            String appTitle,
                            Duration pricingRefresh,
                            String publicUrl,
                            List<ProviderSettings> providers,
                            RouteSettings routes,
                            AuthSettings auth,
                            Edge edge,
                            Duration shutdownGrace,
                            Operator operator,
                            Map<String, PriceSettings> prices,
                            Path file) {

    public GatewayConfig(String host, int port, URI upstreamBaseUrl, Path dataDir, long maxBodyBytes,
                         ModelMapping models, Map<String, Integer> maxOutputTokens, Duration pingInterval,
                         Duration earlyStart, Duration connectTimeout, Duration readTimeout, String httpReferer,
                         String appTitle, Duration pricingRefresh, String publicUrl, List<ProviderSettings> providers,
                         RouteSettings routes, AuthSettings auth, Edge edge, Duration shutdownGrace, Operator operator,
                         Map<String, PriceSettings> prices) {
        this(host, port, upstreamBaseUrl, dataDir, maxBodyBytes, models, maxOutputTokens, pingInterval, earlyStart,
                connectTimeout, readTimeout, httpReferer, appTitle, pricingRefresh, publicUrl, providers, routes, auth,
                edge, shutdownGrace, operator, prices, null);
    }

    /** The provider that always exists, at {@code upstreamBaseUrl}, unless one of that name is configured. */
    public static final String IMPLICIT_PROVIDER = "openrouter";

    /**
     * Where the gateway listens, {@code host:port} as a URL writes it: an IPv6 address in brackets ({@code [::1]:8787})
     * whether {@code server.host} was written {@code ::1} or {@code [::1]}.
     *
     * @param port the port listened on (the bound one, when {@code server.port} is 0)
     */
    public String listenAddress(int port) {
        boolean ipv6 = host.contains(":") && !host.startsWith("[");
        return (ipv6 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * As a record shows itself, but with the upstream's address as {@link #upstreamDisplay} shows it (the providers'
     * and the clients' keys are masked by their own records): a configuration printed is never a key leaked.
     */
    @Override
    public String toString() {
        return "GatewayConfig[host=" + host + ", port=" + port + ", upstreamBaseUrl="
                + (upstreamBaseUrl == null ? null : upstreamDisplay())
                + ", dataDir=" + dataDir + ", maxBodyBytes=" + maxBodyBytes + ", models=" + models
                + ", maxOutputTokens=" + maxOutputTokens + ", pingInterval=" + pingInterval + ", earlyStart="
                + earlyStart + ", connectTimeout=" + connectTimeout + ", readTimeout=" + readTimeout
                + ", httpReferer=" + httpReferer + ", appTitle=" + appTitle + ", pricingRefresh=" + pricingRefresh
                + ", publicUrl=" + publicUrl + ", providers=" + providers + ", routes=" + routes + ", auth=" + auth
                + ", edge=" + edge + ", shutdownGrace=" + shutdownGrace + ", operator=" + operator + ", prices="
                + prices + ", file=" + file + "]";
    }

    /**
     * The upstream's base URL as logs and {@code /health} (which asks for no key) show it: a password before its host
     * masked ({@code https://user:…@proxy/v1}), a token there without a user too ({@code https://…@proxy/v1}), and
     * no query, where a key may be.
     */
    public String upstreamDisplay() {
        return Secrets.maskAddress(upstreamBaseUrl.toString());
    }

    /**
     * What the listening socket tolerates and trusts.
     *
     * @param headerTimeout           a request head must arrive within this of its first byte (408 otherwise)
     * @param bodyTimeout             a request body must arrive within this once its handler starts reading (408)
     * @param idleTimeout             a connection with no request in progress is closed after this
     * @param maxConnections          open client connections in all; beyond, 503 {@code overloaded_error} (lowered
     *                                to what the process's descriptor limit allows)
     * @param maxConnectionsPerClient open connections from one address; beyond, 429 {@code rate_limit_error}
     * @param trustedProxies          addresses whose {@code X-Forwarded-*} headers are believed; empty: nobody's
     * @param corsOrigins             origins that get CORS headers; empty: no CORS headers at all
     */
    public record Edge(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections,
                       int maxConnectionsPerClient, List<String> trustedProxies, List<String> corsOrigins) {
        public Edge {
            trustedProxies = List.copyOf(trustedProxies);
            corsOrigins = List.copyOf(corsOrigins);
        }

        public Edge withTrustedProxies(List<String> value) {
            return new Edge(headerTimeout, bodyTimeout, idleTimeout, maxConnections, maxConnectionsPerClient, value,
                    corsOrigins);
        }

        public Edge withCorsOrigins(List<String> value) {
            return new Edge(headerTimeout, bodyTimeout, idleTimeout, maxConnections, maxConnectionsPerClient,
                    trustedProxies, value);
        }
    }

    /**
     * The upstream model id for each family name Claude Code uses ({@code ANTHROPIC_DEFAULT_*_MODEL} aliases and dated
     * ids such as {@code claude-haiku-4-5-20251001}).
     */
    public record ModelMapping(String haiku, String sonnet, String opus) {
    }

    /**
     * The providers routes may name: the configured ones, and {@code openrouter} at {@code upstreamBaseUrl},
     * forwarding the client's key, unless one of that name is configured. Under {@code auth.keys}, where it would have
     * no key to forward, it is left out when nothing routes to it: {@code routes.default} is set and no route or
     * fallback names it (a claude-code-router file with an {@code APIKEY} and no OpenRouter provider, say).
     */
    public List<ProviderSettings> allProviders() {
        if (providers.stream().anyMatch(provider -> provider.name().equals(IMPLICIT_PROVIDER))) {
            return providers;
        }
        if (auth.required() && !routedToImplicitProvider()) {
            return providers;
        }
        List<ProviderSettings> all = new ArrayList<>(providers);
        all.add(new ProviderSettings(IMPLICIT_PROVIDER, "openrouter", upstreamBaseUrl, List.of(),
                null, Map.of()));
        return List.copyOf(all);
    }

    /** Whether a request may go to the implicit provider: the family mapping (no default route), or a target. */
    private boolean routedToImplicitProvider() {
        return routes.defaultRoute() == null || routes.targets().stream().map(Targets::parse)
                .anyMatch(parts -> parts.isPresent() && parts.get()[0].equals(IMPLICIT_PROVIDER));
    }

    /**
     * Who runs the instance, shown on its web pages; each part may be null (unnamed).
     *
     * @param name      a person or organisation ({@code operator.name}, {@code CCROUTER_OPERATOR_NAME})
     * @param contact   an e-mail address or URL to reach them ({@code operator.contact}, {@code CCROUTER_OPERATOR_CONTACT})
     * @param sourceUrl where the source this instance runs can be read ({@code operator.source_url},
     *                  {@code CCROUTER_SOURCE_URL})
     */
    public record Operator(String name, String contact, String sourceUrl) {
    }

    public GatewayConfig withPort(int value) {
        return edit(draft -> draft.port = value);
    }

    public GatewayConfig withUpstream(URI value) {
        return edit(draft -> draft.upstreamBaseUrl = value);
    }

    public GatewayConfig withPingInterval(Duration value) {
        return edit(draft -> draft.pingInterval = value);
    }

    public GatewayConfig withEarlyStart(Duration value) {
        return edit(draft -> draft.earlyStart = value);
    }

    public GatewayConfig withReadTimeout(Duration value) {
        return edit(draft -> draft.readTimeout = value);
    }

    public GatewayConfig withMaxBodyBytes(long value) {
        return edit(draft -> draft.maxBodyBytes = value);
    }

    public GatewayConfig withDataDir(Path value) {
        return edit(draft -> draft.dataDir = value);
    }

    public GatewayConfig withPricingRefresh(Duration value) {
        return edit(draft -> draft.pricingRefresh = value);
    }

    public GatewayConfig withModels(ModelMapping value) {
        return edit(draft -> draft.models = value);
    }

    public GatewayConfig withMaxOutputTokens(Map<String, Integer> value) {
        return edit(draft -> draft.maxOutputTokens = Map.copyOf(value));
    }

    public GatewayConfig withProviders(List<ProviderSettings> value) {
        return edit(draft -> draft.providers = List.copyOf(value));
    }

    public GatewayConfig withRoutes(RouteSettings value) {
        return edit(draft -> draft.routes = value);
    }

    public GatewayConfig withAuth(AuthSettings value) {
        return edit(draft -> draft.auth = value);
    }

    public GatewayConfig withPublicUrl(String value) {
        return edit(draft -> draft.publicUrl = value);
    }

    public GatewayConfig withEdge(Edge value) {
        return edit(draft -> draft.edge = value);
    }

    public GatewayConfig withShutdownGrace(Duration value) {
        return edit(draft -> draft.shutdownGrace = value);
    }

    public GatewayConfig withPrices(Map<String, PriceSettings> value) {
        return edit(draft -> draft.prices = Map.copyOf(value));
    }

    public GatewayConfig withFile(Path value) {
        return edit(draft -> draft.file = value);
    }

    /**
     * Why a provider that takes a key cannot be used under {@code auth.keys} without keys of its own, naming what to
     * write where the user writes it: {@code providers[0].api_keys} in a YAML file, {@code Providers[0].api_key} and
     * {@code APIKEY} in a claude-code-router {@code config.json}; for the built-in {@code openrouter} provider, which
     * no file lists, how to list it.
     */
    public String providerWithoutKeys(String provider) {
        boolean ccr = readFromClaudeCodeRouter();
        String in = file == null ? "" : " in " + file;
        String why = ": with " + (ccr ? "APIKEY" : "auth.keys") + " the gateway uses each provider's own "
                + (ccr ? "key" : "keys") + " and never forwards a client's key";
        if (providers.stream().noneMatch(listed -> listed.name().equals(provider))) {
            return "the built-in " + provider + " provider has no key of its own" + why + " (add it"
                    + (ccr ? " to Providers" + in + " with its api_key" : " under providers:" + in
                    + " with api_keys: [\"${OPENROUTER_API_KEY}\"]") + ")";
        }
        return providerSetting(provider, "api_keys", "api_key") + " must be set for provider " + provider + why;
    }

    /**
     * A listed provider's setting as the file spells it, with the file: {@code providers[0].base_url in
     * /x/ccrouter.yaml}, or {@code Providers[0].api_base_url in /x/config.json} ({@code ccrKey}) in a
     * claude-code-router file.
     */
    public String providerSetting(String provider, String key, String ccrKey) {
        int index = 0;
        while (index < providers.size() && !providers.get(index).name().equals(provider)) {
            index++;
        }
        return (readFromClaudeCodeRouter() ? "Providers[" + index + "]." + ccrKey : "providers[" + index + "]." + key)
                + (file == null ? "" : " in " + file);
    }

    private boolean readFromClaudeCodeRouter() {
        return file != null && ConfigFiles.isCcrOrFalse(file);
    }

    public GatewayConfig withOperator(Operator value) {
        return edit(draft -> draft.operator = value);
    }

    /** A copy with one change: the fields are listed once here instead of once per {@code with…} method. */
    private GatewayConfig edit(Consumer<Draft> change) {
        Draft draft = new Draft(this);
        change.accept(draft);
        return draft.build();
    }

    /** The record's fields, open to change while a copy is made. */
    private static final class Draft {
        private final String host;
        private int port;
        private URI upstreamBaseUrl;
        private Path dataDir;
        private long maxBodyBytes;
        private ModelMapping models;
        private Map<String, Integer> maxOutputTokens;
        private Duration pingInterval;
        private Duration earlyStart;
        private final Duration connectTimeout;
        private Duration readTimeout;
        private final String httpReferer;
        private final String appTitle;
        private Duration pricingRefresh;
        private String publicUrl;
        private List<ProviderSettings> providers;
        private RouteSettings routes;
        private AuthSettings auth;
        private Edge edge;
        private Duration shutdownGrace;
        private Operator operator;
        private Map<String, PriceSettings> prices;
        private Path file;

        private Draft(GatewayConfig config) {
            host = config.host;
            port = config.port;
            upstreamBaseUrl = config.upstreamBaseUrl;
            dataDir = config.dataDir;
            maxBodyBytes = config.maxBodyBytes;
            models = config.models;
            maxOutputTokens = config.maxOutputTokens;
            pingInterval = config.pingInterval;
            earlyStart = config.earlyStart;
            connectTimeout = config.connectTimeout;
            readTimeout = config.readTimeout;
            httpReferer = config.httpReferer;
            appTitle = config.appTitle;
            pricingRefresh = config.pricingRefresh;
            publicUrl = config.publicUrl;
            providers = config.providers;
            routes = config.routes;
            auth = config.auth;
            edge = config.edge;
            shutdownGrace = config.shutdownGrace;
            operator = config.operator;
            prices = config.prices;
            file = config.file;
        }

        private GatewayConfig build() {
            return new GatewayConfig(host, port, upstreamBaseUrl, dataDir, maxBodyBytes, models, maxOutputTokens,
                    pingInterval, earlyStart, connectTimeout, readTimeout, httpReferer, appTitle, pricingRefresh, publicUrl, providers, routes, auth,
                    edge, shutdownGrace, operator, prices, file);
        }
    }
}
