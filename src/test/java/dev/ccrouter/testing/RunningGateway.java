package dev.ccrouter.testing;

import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.ledger.LedgerStore;
import dev.ccrouter.server.GatewayServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import java.util.function.UnaryOperator;

/**
 * The real gateway on an ephemeral port, pointed at a {@link FakeUpstream}, configured from the embedded defaults
 * with a fresh data directory of its own (deleted on close), so no test reads or writes the user's {@code ~/.ccrouter}.
 */
public final class RunningGateway implements AutoCloseable {
    private final GatewayServer server;
    private final GatewayConfig config;
    private final Path dataDir;

    private RunningGateway(GatewayServer server, GatewayConfig config, Path dataDir) {
        this.server = server;
        this.config = config;
        this.dataDir = dataDir;
    }

    public static RunningGateway start(FakeUpstream upstream) {
        return start(upstream, UnaryOperator.identity());
    }

    public static RunningGateway start(FakeUpstream upstream, UnaryOperator<GatewayConfig> adjust) {
        return start(upstream.baseUrl(), adjust);
    }

    public static RunningGateway start(String upstreamBaseUrl, UnaryOperator<GatewayConfig> adjust) {
        return start(upstreamBaseUrl, adjust, null);
    }

    /** A gateway keeping its ledger where {@code ledger} says (such as a PostgreSQL shared with another gateway). */
    public static RunningGateway start(FakeUpstream upstream, UnaryOperator<GatewayConfig> adjust,
                                       LedgerSettings ledger) {
        return start(upstream.baseUrl(), adjust, ledger);
    }

    /**
     * A gateway started another way than {@link GatewayServer#start()}, such as {@code GatewayServer::startRehearsed}
     * (as {@code serve} starts it).
     */
    public static RunningGateway start(FakeUpstream upstream, UnaryOperator<GatewayConfig> adjust,
                                       UnaryOperator<GatewayServer> starting) {
        return start(upstream.baseUrl(), adjust, null, starting);
    }

    private static RunningGateway start(String upstreamBaseUrl, UnaryOperator<GatewayConfig> adjust,
                                        LedgerSettings ledger) {
        return start(upstreamBaseUrl, adjust, ledger, GatewayServer::start);
    }

    private static RunningGateway start(String upstreamBaseUrl, UnaryOperator<GatewayConfig> adjust,
                                        LedgerSettings ledger, UnaryOperator<GatewayServer> starting) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("ccrouter-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE)
                .withPort(0)
                .withUpstream(URI.create(upstreamBaseUrl))
                .withDataDir(dataDir);
        try {
            GatewayConfig adjusted = adjust.apply(config);
            GatewayServer server = ledger == null ? new GatewayServer(adjusted) : new GatewayServer(adjusted, ledger);
            return new RunningGateway(starting.apply(server), adjusted, dataDir);
        } catch (RuntimeException e) { // a configuration the gateway refuses: leave nothing behind
            delete(dataDir);
            throw e;
        }
    }

    /** The configuration it started with. */
    public GatewayConfig config() {
        return config;
    }

    /** The server itself, for what only it can be told (a changed configuration). */
    public GatewayServer server() {
        return server;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    /** This gateway's data directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** The ledger it writes (its default one, in its data directory), read on connections of the reader's own. */
    public LedgerStore ledger() {
        LedgerSettings settings = LedgerSettings.defaults(dataDir);
        return new LedgerStore(() -> LedgerDatabase.connect(settings));
    }

    /**
     * The ledger's rows, once it holds at least {@code atLeast} of them: the writer commits a request's row a moment
     * after its answer went out, so this waits up to 10 s for them.
     */
    public List<LedgerEntry> ledgerRows(int atLeast) {
        LedgerStore ledger = ledger();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> ledger.count() >= atLeast);
        List<LedgerEntry> rows = new ArrayList<>();
        try {
            ledger.forEach(null, null, rows::add);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    @Override
    public void close() {
        server.close();
        delete(dataDir);
    }

    private static void delete(Path dataDir) {
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
