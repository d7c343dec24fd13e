package dev.ccrouter.server;

import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.http.ServerResponse;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.ledger.LedgerWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus metrics, fed from the same {@link LedgerEntry} the ledger keeps, so that the two agree:
 * requests by provider, model and status; errors by type; time to first byte and duration; tokens by kind; cost;
 * open streams; the ledger's queue; the JVM. Served at {@code /metrics} in Prometheus' text format.
 */
final class GatewayMetrics implements AutoCloseable {
    private static final String NONE = "none";
    /** The {@code kind} tag of {@code ccrouter.tokens}, by the indexes below. */
    private static final List<String> TOKEN_KINDS = List.of("input", "output", "cache_read", "cache_write", "reasoning");
    private static final int TOKEN_INPUT = 0;
    private static final int TOKEN_OUTPUT = 1;
    private static final int TOKEN_CACHE_READ = 2;
    private static final int TOKEN_CACHE_WRITE = 3;
    private static final int TOKEN_REASONING = 4;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<MeterKey, Meter> meters = new ConcurrentHashMap<>();
    /** By provider, then model. */
    private final Map<String, Map<String, TargetMeters>> targets = new ConcurrentHashMap<>();
    /** How many models of one provider get a label of their own; the rest are counted as {@link #OTHER_MODELS}. */
    static final int MODELS_PER_PROVIDER = 100;
    static final String OTHER_MODELS = "other";

    GatewayMetrics(IntSupplier openStreams, LedgerWriter ledger) {
        // Strong references: Micrometer holds a gauge's object weakly, and nothing else holds these.
        Gauge.builder("ccrouter.open.streams", openStreams, IntSupplier::getAsInt).strongReference(true)
                .description("Event streams being sent to clients").register(registry);
        if (ledger != null) {
            Gauge.builder("ccrouter.ledger.queue.depth", ledger, LedgerWriter::depth).strongReference(true)
                    .description("Ledger rows waiting to be written").baseUnit("rows").register(registry);
            FunctionCounter.builder("ccrouter.ledger.dropped", ledger, LedgerWriter::dropped)
                    .description("Ledger rows dropped because the queue was full").baseUnit("rows").register(registry);
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Counts one finished request. */
    void record(LedgerEntry entry) {
        TargetMeters target = target(orNone(entry.provider()), orNone(entry.billedModel()));
        target.requests(entry.httpStatus()).increment();
        if (entry.errorType() != null) {
            meter(new MeterKey("errors", null, null, entry.errorType()),
                    key -> Counter.builder("ccrouter.errors").description("Requests that ended in an Anthropic error")
                            .tag("type", key.detail).register(registry)).increment();
        }
        if (entry.ttfbMillis() != null) {
            target.timeToFirstByte().record(entry.ttfbMillis(), TimeUnit.MILLISECONDS);
        }
        target.duration.record(entry.durationMillis(), TimeUnit.MILLISECONDS);
        LedgerEntry.Tokens tokens = entry.tokens();
        target.tokens(TOKEN_INPUT, tokens.input());
        target.tokens(TOKEN_OUTPUT, tokens.output());
        target.tokens(TOKEN_CACHE_READ, tokens.cacheRead());
        target.tokens(TOKEN_CACHE_WRITE, tokens.cacheWrite());
        target.tokens(TOKEN_REASONING, tokens.reasoning());
        if (entry.spend().computed() != null) {
            target.cost().increment(entry.spend().computed().doubleValue());
        }
    }

    /** {@code GET /metrics}: the Prometheus text format. */
    void scrape(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        res.send(registry.scrape());
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    private Timer timer(String name, String description, String provider, String model) {
        return meter(new MeterKey(name, provider, model, null), key -> Timer.builder(name).description(description)
                .tag("provider", provider).tag("model", model)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry));
    }

    private TargetMeters target(String provider, String model) {
        Map<String, TargetMeters> models = targets.get(provider);
        if (models == null) {
            models = targets.computeIfAbsent(provider, any -> new ConcurrentHashMap<>());
        }
        TargetMeters target = models.get(model);
        if (target != null) {
            return target;
        }
        // Model names are the client's to choose (a family route passes them on, an unknown one is still counted):
        // past a bound they share one label, or made-up names would grow /metrics, and the heap, without end.
        String label = models.size() < MODELS_PER_PROVIDER ? model : OTHER_MODELS;
        return models.computeIfAbsent(label, any -> new TargetMeters(provider, label));
    }

    /**
     * The meters one provider and model's requests count in, found with two lookups by name per request instead of
     * eight by a key made for each (a fifth of the metrics' CPU). Each is registered when first used, as before (a
     * kind of token never counted has no series); a meter tagged by model alone is the same one for every provider.
     */
    private final class TargetMeters {
        private final String provider;
        private final String model;
        private final Timer duration;
        /** By status − 100 (HTTP's 100–599): no boxed status and map lookup per request. */
        private final AtomicReferenceArray<Counter> requests = new AtomicReferenceArray<>(500);
        /** The time to first byte, the five token counters (by {@code TOKEN_*}), the cost: registered when first used. */
        private final AtomicReferenceArray<Meter> later = new AtomicReferenceArray<>(TOKEN_KINDS.size() + 2);

        TargetMeters(String provider, String model) {
            this.provider = provider;
            this.model = model;
            this.duration = timer("ccrouter.request.duration", "From request to the response's last byte", provider,
                    model);
        }

        Counter requests(int status) {
            int slot = status - 100;
            if (slot < 0 || slot >= requests.length()) {
                return requestsMeter(status);
            }
            Counter counter = requests.get(slot);
            if (counter == null) {
                counter = requestsMeter(status);
                requests.set(slot, counter);
            }
            return counter;
        }

        private Counter requestsMeter(int status) {
            return meter(new MeterKey("requests", provider, model, String.valueOf(status)),
                    key -> Counter.builder("ccrouter.requests").description("Requests to /v1/messages")
                            .tag("provider", key.provider).tag("model", key.model).tag("status", key.detail)
                            .register(registry));
        }

        Timer timeToFirstByte() {
            Meter meter = later.get(TOKEN_KINDS.size());
            return meter != null ? (Timer) meter : later(TOKEN_KINDS.size(), () -> timer("ccrouter.time.to.first.byte",
                    "From request to the response's first byte", provider, model));
        }

        void tokens(int kind, long count) {
            if (count > 0) {
                Meter meter = later.get(kind); // found without making the lambda below, on every request but the first
                Counter counter = meter != null ? (Counter) meter : later(kind, () -> meter(
                        new MeterKey("tokens", null, model, TOKEN_KINDS.get(kind)),
                        key -> Counter.builder("ccrouter.tokens").description("Tokens by kind, as billed")
                                .baseUnit("tokens").tag("model", key.model).tag("kind", key.detail)
                                .register(registry)));
                counter.increment(count);
            }
        }

        Counter cost() {
            Meter meter = later.get(TOKEN_KINDS.size() + 1);
            return meter != null ? (Counter) meter : later(TOKEN_KINDS.size() + 1, () -> meter(
                    new MeterKey("cost", null, model, null),
                    key -> Counter.builder("ccrouter.cost").description("Computed cost of requests").baseUnit("usd")
                            .tag("model", key.model).register(registry)));
        }

        /** Makes the meter in {@code slot} on first use; two threads making it at once get the one registered. */
        private <M extends Meter> M later(int slot, Supplier<M> make) {
            M meter = make.get();
            later.set(slot, meter);
            return meter;
        }
    }

    /**
     * The meter for a key, registered on first use. Micrometer's own lookup builds and sorts the tags into an id on
     * every call (3 % of the gateway's CPU per request); this map finds the same meter by a record's hash.
     */
    @SuppressWarnings("unchecked")
    private <M extends Meter> M meter(MeterKey key, Function<MeterKey, M> register) {
        Meter meter = meters.get(key);
        return meter != null ? (M) meter : (M) meters.computeIfAbsent(key, register);
    }

    /** Which meter: its kind (or name), and the tag values that tell it apart (null where a meter has no such tag). */
    private record MeterKey(String kind, String provider, String model, String detail) {
    }

    /** Links the meter key's record methods, as {@code Router.linkKeys} does its key's. */
    static void linkKeys() {
        MeterKey key = new MeterKey("kind", "provider", "model", "detail");
        key.equals(new MeterKey("kind", "provider", "model", "detail"));
        key.hashCode();
    }

    private static String orNone(String value) {
        return value == null || value.isBlank() ? NONE : value;
    }
}
