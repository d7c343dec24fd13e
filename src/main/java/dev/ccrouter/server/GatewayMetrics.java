package dev.ccrouter.server;

import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.ledger.LedgerWriter;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The gateway's Prometheus metrics, fed from the same {@link LedgerEntry} the ledger keeps, so that the two agree:
 * requests by provider, model and status; errors by type; time to first byte and duration; tokens by kind; cost;
 * open streams; the ledger's queue; the JVM. Served at {@code /metrics} in Prometheus' text format.
 */
final class GatewayMetrics implements AutoCloseable {
    private static final String NONE = "none";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final Map<MeterKey, Meter> meters = new ConcurrentHashMap<>();

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
        String provider = orNone(entry.provider());
        String model = orNone(entry.billedModel());
        meter(new MeterKey("requests", provider, model, String.valueOf(entry.httpStatus())),
                key -> Counter.builder("ccrouter.requests").description("Requests to /v1/messages")
                        .tag("provider", key.provider).tag("model", key.model).tag("status", key.detail)
                        .register(registry)).increment();
        if (entry.errorType() != null) {
            meter(new MeterKey("errors", null, null, entry.errorType()),
                    key -> Counter.builder("ccrouter.errors").description("Requests that ended in an Anthropic error")
                            .tag("type", key.detail).register(registry)).increment();
        }
        if (entry.ttfbMillis() != null) {
            timer("ccrouter.time.to.first.byte", "From request to the response's first byte", provider, model)
                    .record(Duration.ofMillis(entry.ttfbMillis()));
        }
        timer("ccrouter.request.duration", "From request to the response's last byte", provider, model)
                .record(Duration.ofMillis(entry.durationMillis()));
        LedgerEntry.Tokens tokens = entry.tokens();
        tokens(model, "input", tokens.input());
        tokens(model, "output", tokens.output());
        tokens(model, "cache_read", tokens.cacheRead());
        tokens(model, "cache_write", tokens.cacheWrite());
        tokens(model, "reasoning", tokens.reasoning());
        if (entry.spend().computed() != null) {
            meter(new MeterKey("cost", null, model, null),
                    key -> Counter.builder("ccrouter.cost").description("Computed cost of requests").baseUnit("usd")
                            .tag("model", key.model).register(registry)).increment(entry.spend().computed().doubleValue());
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

    private void tokens(String model, String kind, long count) {
        if (count > 0) {
            meter(new MeterKey("tokens", null, model, kind), key -> Counter.builder("ccrouter.tokens")
                    .description("Tokens by kind, as billed").baseUnit("tokens")
                    .tag("model", key.model).tag("kind", key.detail).register(registry)).increment(count);
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

    private static String orNone(String value) {
        return value == null || value.isBlank() ? NONE : value;
    }
}
