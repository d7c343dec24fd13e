package dev.ccrouter.billing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model prices, read without waiting: {@link #find} looks up an immutable map behind an {@link AtomicReference},
 * so nothing on a request's path ever waits for the network or the disk.
 *
 * <p>Where prices come from, newest wins per model:
 * <ol>
 *   <li>the bundled snapshot ({@code ccrouter/pricing-snapshot.json}: the main Anthropic models' OpenRouter prices
 *       on the date it names), so that a first start without network still prices the default models;</li>
 *   <li>the last good answer of {@code <upstream>/models}, persisted under {@code <data dir>/pricing/models.json},
 *       so that a restart during an upstream outage keeps what was last known (it is older than the bundled
 *       snapshot only after an upgrade, and then the snapshot wins);</li>
 *   <li>{@code <upstream>/models}, fetched on a virtual thread soon after start (a gateway's first fetch waits until
 *       its first request has ended, see {@link #startRefreshing(Duration, Duration)}) and then every
 *       {@code refreshEvery}. OpenRouter's catalog is public: no key is sent. A failed, slow or empty answer
 *       changes nothing but a log line; the previous prices stay.</li>
 * </ol>
 */
public final class PricingCatalog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PricingCatalog.class);
    static final String BUNDLED = "/ccrouter/pricing-snapshot.json";
    static final Path PERSISTED = Path.of("pricing", "models.json");
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_CATALOG_BYTES = 32 * 1024 * 1024;

    private final URI modelsUrl;
    private final Path persisted;
    private final Duration refreshEvery;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, ModelPricing> bundled;
    private final AtomicReference<Map<String, ModelPricing>> models;
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Released by the first request's end (or by close): the first fetch may begin. */
    private final CountDownLatch firstRequestEnded = new CountDownLatch(1);
    /** Completed when the first fetch has ended, with whether it took new prices (false also when closed before). */
    private final CompletableFuture<Boolean> firstFetch = new CompletableFuture<>();
    private HttpClient http;
    private String lastProblem;
    private boolean refreshed;
    private Thread refresher;
    /** Where the prices at start come from; said once refreshing starts, so that a start that fails says only why. */
    private String startedFrom;

    /**
     * Reads the bundled snapshot and the persisted copy (local files only); fetches nothing until
     * {@link #startRefreshing()}.
     *
     * @param modelsUrl    the catalog, {@code <upstream base URL>/models}
     * @param dataDir      where the last good catalog is kept
     * @param refreshEvery how often to fetch it; zero never fetches
     */
    public PricingCatalog(URI modelsUrl, Path dataDir, Duration refreshEvery) {
        this.modelsUrl = modelsUrl;
        this.persisted = dataDir.resolve(PERSISTED);
        this.refreshEvery = refreshEvery;
        Snapshot snapshot = readBundled();
        this.bundled = snapshot.models();
        Snapshot saved = readPersisted();
        Map<String, ModelPricing> start = saved.takenAt().isBefore(snapshot.takenAt())
                ? overlay(saved.models(), bundled) : overlay(bundled, saved.models());
        this.models = new AtomicReference<>(start);
        this.startedFrom = bundled.size() + " models from the " + snapshot.label() + (saved.models().isEmpty() ? ""
                : ", " + saved.models().size() + " from the saved catalog " + saved.label());
    }

    /** The prices of an upstream model id (or canonical slug), or null when the catalog does not list it. */
    public ModelPricing find(String model) {
        return models.get().get(model);
    }

    /**
     * Says where the prices come from, then fetches the catalog now and every {@code refreshEvery}, on a virtual
     * thread; returns at once.
     */
    public void startRefreshing() {
        startRefreshing(Duration.ZERO, Duration.ZERO);
    }

    /**
     * Says where the prices come from, then fetches the catalog on a virtual thread {@code afterFirstRequest} after
     * {@link #requestEnded()} is first called, or {@code atTheLatest} from now when no request ends sooner, and then
     * every {@code refreshEvery}; returns at once. A gateway starts its refreshing this way so that the first fetch
     * (its HTTP client, TLS context, the catalog's parse: tens of milliseconds of CPU) does not take a core from
     * the first request, which runs before the JIT has compiled much; that request is priced from the snapshot or
     * the saved catalog, as it is whenever it arrives before the fetch has answered.
     */
    public synchronized void startRefreshing(Duration afterFirstRequest, Duration atTheLatest) {
        if (startedFrom != null) {
            LOG.info("pricing: {}", startedFrom);
            startedFrom = null;
        }
        if (refresher != null || refreshEvery.isZero() || closed.getCount() == 0) {
            if (refresher == null) {
                firstFetch.complete(false); // none will come
            }
            return;
        }
        refresher = Thread.ofVirtual().name("ccrouter-pricing-refresh").start(() -> {
            try {
                if (firstRequestEnded.await(atTheLatest.toMillis(), TimeUnit.MILLISECONDS)
                        && closed.await(afterFirstRequest.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
                firstFetch.complete(refresh());
                while (!closed.await(refreshEvery.toMillis(), TimeUnit.MILLISECONDS)) {
                    refresh();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                firstFetch.complete(false);
            }
        });
    }

    /**
     * Completes once the first fetch has ended, with whether it took new prices; with false when the catalog is
     * closed first or never fetches (a refresh period of zero). The start-up cache's training waits for it, so that
     * what the fetch loads is in every cache (training/AotTraining).
     */
    public CompletableFuture<Boolean> firstFetch() {
        return firstFetch;
    }

    /** A request has ended: the first fetch, when it waits for one, may begin (see {@link #startRefreshing}). */
    public void requestEnded() {
        firstRequestEnded.countDown();
    }

    /**
     * One fetch of the catalog: on success its prices replace the current ones (the bundled snapshot still covers
     * models it does not list) and it is saved; on any failure the current prices stay.
     *
     * @return whether new prices were taken
     */
    boolean refresh() throws InterruptedException {
        JsonNode catalog;
        try {
            catalog = fetch();
        } catch (IOException | TimeoutException | ExecutionException | RuntimeException e) {
            if (closed.getCount() == 0) {
                return false; // the gateway is stopping: not a problem worth a warning
            }
            problem("could not read the model catalog at " + where() + " (" + reason(e) + ")");
            return false;
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Map<String, ModelPricing> fetched = OpenRouterModels.read(catalog, "fetched " + now);
        // Pricing objects without a single rate read here (other names, every price "-1") are no prices either:
        // taken, they would leave every model they list unpriced.
        if (fetched.values().stream().noneMatch(PricingCatalog::listsARate)) {
            problem("the model catalog at " + where() + " lists no prices");
            return false;
        }
        models.set(overlay(bundled, fetched));
        save(catalog, now);
        if (!refreshed || lastProblem != null) {
            LOG.info("pricing: {} models priced from {}", fetched.size(), where());
        }
        refreshed = true;
        lastProblem = null;
        return true;
    }

    @Override
    public void close() {
        closed.countDown();
        firstFetch.complete(false);
        firstRequestEnded.countDown(); // a refresher still waiting for the first request then sees it closed
        Thread thread;
        HttpClient client;
        synchronized (this) {
            thread = refresher;
            client = http;
        }
        if (thread != null) {
            thread.interrupt();
        }
        if (client != null) {
            client.shutdownNow();
        }
    }

    /**
     * The HTTP client, built on first use: on the refresher's thread, not on the gateway's start (it costs ~0.3 s).
     * An http catalog (a provider on this machine or network) gets a TLS context that trusts nothing rather than the
     * JDK's default, which would load the trust store for nothing ({@link TrustNothingTls}).
     */
    synchronized HttpClient http() {
        if (closed.getCount() == 0) {
            throw new IllegalStateException("the catalog is closed");
        }
        if (http == null) {
            HttpClient.Builder builder = HttpClient.newBuilder()
                    .connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL);
            if (!"https".equalsIgnoreCase(modelsUrl.getScheme())) {
                builder.sslContext(TrustNothingTls.context()).sslParameters(TrustNothingTls.parameters());
            }
            http = builder.build();
        }
        return http;
    }

    private JsonNode fetch() throws IOException, InterruptedException, TimeoutException, ExecutionException {
        HttpRequest request = HttpRequest.newBuilder(modelsUrl)
                .timeout(FETCH_TIMEOUT)
                .header("Accept", "application/json")
                .GET()
                .build();
        // sendAsync + a bounded wait: a catalog that trickles in slowly cannot hold the refresher past the timeout.
        Future<HttpResponse<byte[]>> pending = http().sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        HttpResponse<byte[]> response;
        try {
            response = pending.get(FETCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            pending.cancel(true);
        }
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        if (response.body().length > MAX_CATALOG_BYTES) {
            throw new IOException("larger than " + MAX_CATALOG_BYTES + " bytes");
        }
        JsonNode root = json.readTree(response.body());
        if (root == null || !root.path("data").isArray()) {
            throw new IOException("not a model list ({\"data\": [...]})");
        }
        return root;
    }

    private void save(JsonNode catalog, Instant fetchedAt) {
        ObjectNode kept = json.createObjectNode();
        kept.put("fetched_at", fetchedAt.toString());
        kept.put("source", where());
        kept.set("data", OpenRouterModels.priced(catalog));
        Path temp = null;
        try {
            Files.createDirectories(persisted.getParent());
            temp = Files.createTempFile(persisted.getParent(), "models", ".json.tmp");
            json.writeValue(temp.toFile(), kept);
            try {
                Files.move(temp, persisted, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, persisted, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("pricing: could not save the catalog to {} ({}); prices stay in memory", persisted, reason(e));
            deleteQuietly(temp);
        }
    }

    /** Logs a refresh problem once, not every hour while it lasts. */
    private void problem(String problem) {
        if (!problem.equals(lastProblem)) {
            LOG.warn("pricing: {}; keeping the prices already known", problem);
        }
        lastProblem = problem;
    }

    private record Snapshot(Map<String, ModelPricing> models, Instant takenAt, String label) {
        static final Snapshot EMPTY = new Snapshot(Map.of(), Instant.EPOCH, "");
    }

    private Snapshot readBundled() {
        try (InputStream in = PricingCatalog.class.getResourceAsStream(BUNDLED)) {
            JsonNode root = json.readTree(Objects.requireNonNull(in, BUNDLED));
            String date = root.path("snapshot_date").asText();
            String label = "bundled snapshot " + date;
            return new Snapshot(OpenRouterModels.read(root, label),
                    LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant(), label);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the bundled price snapshot " + BUNDLED + " is missing or broken", e);
        }
    }

    private Snapshot readPersisted() {
        if (!Files.isRegularFile(persisted)) {
            return Snapshot.EMPTY;
        }
        try {
            JsonNode root = json.readTree(persisted.toFile());
            Instant fetchedAt = Instant.parse(root.path("fetched_at").asText());
            String label = "fetched " + fetchedAt;
            return new Snapshot(OpenRouterModels.read(root, label), fetchedAt, label);
        } catch (IOException | RuntimeException e) {
            LOG.warn("pricing: ignoring the unreadable saved catalog {} ({})", persisted, reason(e));
            return Snapshot.EMPTY;
        }
    }

    private static boolean listsARate(ModelPricing model) {
        Prices rates = model.base();
        return rates.prompt() != null || rates.completion() != null || rates.cacheRead() != null
                || rates.cacheWrite5m() != null || rates.cacheWrite1h() != null || rates.request() != null;
    }

    private static Map<String, ModelPricing> overlay(Map<String, ModelPricing> older, Map<String, ModelPricing> newer) {
        Map<String, ModelPricing> merged = new HashMap<>(older);
        merged.putAll(newer);
        return Map.copyOf(merged);
    }

    /** The catalog URL for logs: scheme, host, port and path, never user information or a query. */
    private String where() {
        String authority = modelsUrl.getRawAuthority(); // a host URI reads none from (llama_cpp) is still one
        return modelsUrl.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1)
                + modelsUrl.getRawPath();
    }

    /** A one-line cause for the log, never a stack trace. */
    private static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root instanceof JsonProcessingException json ? json.getOriginalMessage() : root.getMessage();
        if (message == null || message.isBlank()) {
            return root.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a stray temp file is harmless; the next save replaces the catalog anyway
            }
        }
    }
}
