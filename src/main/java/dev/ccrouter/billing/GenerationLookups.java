package dev.ccrouter.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.CacheTtls;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the provider, after the fact, what a stream that was cut off before its usage chunk used and cost: a client
 * that interrupts a turn (Esc in Claude Code) closes the stream, and the provider has charged for the prompt and for
 * what it generated until then, but the usage chunk that says so never comes. OpenRouter keeps every generation's
 * record under its id ({@code GET <base>/generation?id=gen-…}, with the key that made it); the record appears a
 * moment after the generation ends and answers 404 until then, so each lookup is tried after each of a few growing
 * waits, about a minute in all. The answer is billed by {@link UsageAccounting}, like any usage.
 *
 * <p>Nothing here is on a request's path: a lookup is scheduled on the gateway's timer thread and each try runs on a
 * virtual thread. Each lookup ends exactly once, with the bill or without one ({@code unknown}: not found in time,
 * refused, or the gateway closing), so its ledger row is always written, once. At most {@code maxPending} wait at a
 * time; beyond that a cut-off stream is recorded at once as it ended, as before lookups existed.
 */
public final class GenerationLookups implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GenerationLookups.class);
    /** After the stream is cut: 1, 3, 7, 15, 30 and 60 seconds. */
    public static final List<Duration> WAITS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(15), Duration.ofSeconds(30));
    public static final int MAX_PENDING = 1000;
    private static final Duration TRY_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_RECORD_BYTES = 1024 * 1024;

    private final ScheduledExecutorService timers;
    private final List<Duration> waits;
    private final int maxPending;
    private final ObjectMapper json = new ObjectMapper();
    private final Set<Pending> pending = ConcurrentHashMap.newKeySet();
    /** Lookups ending now (their row being recorded, or about to be): {@link #close} waits for them. */
    private final AtomicInteger ending = new AtomicInteger();
    private volatile boolean closed;
    /** Made at the first lookup to an https / an http provider (most gateways never need either); guarded by this. */
    private HttpClient secure;
    private HttpClient plain;

    /**
     * @param timers     where the tries are scheduled (each runs on a virtual thread of its own)
     * @param waits      the wait before each try, from the previous one (the first from the stream's end)
     * @param maxPending lookups waiting at once, beyond which a stream is recorded without one
     */
    public GenerationLookups(ScheduledExecutorService timers, List<Duration> waits, int maxPending) {
        this.timers = timers;
        this.waits = List.copyOf(waits);
        this.maxPending = maxPending;
    }

    /**
     * Where and how to ask for one generation's record. It holds the key the stream was made with (the provider's
     * own, or the client's forwarded one), which is sent to that provider only and never printed.
     *
     * @param webSearch OpenRouter's web plugin ran for the request (it searched, and its fee is in the recorded
     *                  cost), as {@link UsageAccounting#account(com.fasterxml.jackson.databind.JsonNode, CacheTtls,
     *                  ModelPricing, boolean)} takes it
     */
    public record Lookup(URI url, String authHeader, String authValue, CacheTtls ttls, ModelPricing pricing,
                         boolean webSearch) {

        /**
         * The lookup of generation {@code id} at a provider whose base URL is {@code baseUrl}. A query the base URL
         * carries is not sent along: it may hold a token, and this URL is logged; a lookup it was needed for fails,
         * and the stream's usage stays the estimate it would be without a lookup.
         */
        public static Lookup of(URI baseUrl, String id, String authHeader, String authValue, CacheTtls ttls,
                                ModelPricing pricing, boolean webSearch) {
            String base = baseUrl.toString();
            int query = base.indexOf('?');
            return new Lookup(URI.create((query < 0 ? base : base.substring(0, query)) + "/generation?id="
                    + URLEncoder.encode(id, StandardCharsets.UTF_8)), authHeader, authValue, ttls, pricing, webSearch);
        }

        @Override
        public String toString() {
            return "Lookup[" + shownUrl() + "]"; // never the key
        }

        /** The URL for logs: never the user information (a proxy's password) a base URL may carry before its host. */
        String shownUrl() {
            String authority = url.getRawAuthority();
            return url.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1) + url.getRawPath()
                    + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        }
    }

    /**
     * Starts looking {@code lookup} up; exactly one of {@code found} and {@code unknown} runs later, once, on another
     * thread.
     *
     * @return false when no lookup was started (the gateway is closing, or too many are waiting): the caller records
     *         the stream now, and neither callback runs
     */
    public boolean lookUp(Lookup lookup, Consumer<Bill> found, Runnable unknown) {
        if (closed || pending.size() >= maxPending) {
            return false;
        }
        Pending one = new Pending(lookup, found, unknown);
        pending.add(one);
        if (closed) { // close() ran between the check and the add: it may not have seen this one
            one.settle(null);
            return true;
        }
        schedule(one, 0);
        return true;
    }

    private void schedule(Pending one, int attempt) {
        try {
            timers.schedule(() -> Thread.ofVirtual().name("ccrouter-generation-lookup").start(() -> attempt(one,
                    attempt)), waits.get(attempt).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) { // the timers stopped: the gateway is closing
            one.settle(null);
        }
    }

    private void attempt(Pending one, int attempt) {
        if (one.settled.get()) {
            return;
        }
        String outcome;
        boolean worthAnotherTry = true;
        try {
            HttpResponse<byte[]> response = fetch(one.lookup);
            int status = response.statusCode();
            if (status == 200) {
                JsonNode usage = GenerationStats.usage(parse(response.body()));
                Bill bill = usage == null ? null : UsageAccounting.account(usage, one.lookup.ttls(),
                        one.lookup.pricing(), one.lookup.webSearch());
                if (bill != null) {
                    one.settle(bill);
                    return;
                }
                // a count that is none will not become one: the row is written without usage at once
                worthAnotherTry = usage == null;
                outcome = usage == null ? "a record without token counts" : "a record whose counts are not counts";
            } else {
                outcome = "HTTP " + status;
                // 404: not recorded yet; 408, 429, 5xx: try later. Any other answer will not change.
                worthAnotherTry = status == 404 || status == 408 || status == 429 || status >= 500;
            }
        } catch (IOException | TimeoutException | ExecutionException e) {
            outcome = e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "interrupted";
        } catch (RuntimeException e) { // a closed client, a malformed record: this lookup ends, nothing else
            outcome = e.getClass().getSimpleName();
            worthAnotherTry = false;
        }
        if (worthAnotherTry && attempt + 1 < waits.size() && !closed) {
            schedule(one, attempt + 1);
        } else {
            LOG.debug("usage of the cut-off stream at {} not known after {} tries: {}", one.lookup.shownUrl(), attempt + 1,
                    outcome);
            one.settle(null);
        }
    }

    private HttpResponse<byte[]> fetch(Lookup lookup)
            throws IOException, InterruptedException, ExecutionException, TimeoutException {
        HttpRequest.Builder request = HttpRequest.newBuilder(lookup.url())
                .timeout(TRY_TIMEOUT)
                .header("Accept", "application/json")
                .GET();
        if (lookup.authHeader() != null) {
            request.header(lookup.authHeader(), lookup.authValue());
        }
        // sendAsync and a bounded wait: a record that trickles in cannot hold the try past its timeout.
        Future<HttpResponse<byte[]>> answer = http(lookup.url()).sendAsync(request.build(),
                HttpResponse.BodyHandlers.ofByteArray());
        try {
            return answer.get(TRY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            answer.cancel(true);
        }
    }

    private JsonNode parse(byte[] body) throws IOException {
        if (body.length > MAX_RECORD_BYTES) {
            throw new IOException("a record larger than " + MAX_RECORD_BYTES + " bytes");
        }
        return json.readTree(body);
    }

    /**
     * The HTTP client for the URL's scheme. An http provider's has a TLS context that trusts nothing rather than the
     * JDK's default, which would load the trust store for nothing.
     */
    private synchronized HttpClient http(URI url) {
        if (closed) { // a try that began as the gateway closed: no client made that nobody would shut down
            throw new IllegalStateException("closed");
        }
        if ("https".equalsIgnoreCase(url.getScheme())) {
            if (secure == null) {
                secure = HttpClient.newBuilder().connectTimeout(TRY_TIMEOUT).build();
            }
            return secure;
        }
        if (plain == null) {
            plain = HttpClient.newBuilder().connectTimeout(TRY_TIMEOUT)
                    .sslContext(TrustNothingTls.context()).sslParameters(TrustNothingTls.parameters()).build();
        }
        return plain;
    }

    /** Lookups waiting now. */
    public int pending() {
        return pending.size();
    }

    /**
     * Ends every lookup still waiting without a bill (their rows are written now, without usage), waits for those
     * recording a row found a moment ago, and starts no more.
     */
    @Override
    public void close() {
        closed = true;
        for (Pending one : pending) {
            one.settle(null);
        }
        awaitEnding(); // a lookup that found its record a moment ago may be recording its row: the ledger closes next
        synchronized (this) {
            for (HttpClient client : new HttpClient[] {secure, plain}) {
                if (client != null) {
                    client.shutdownNow();
                }
            }
        }
    }

    private void awaitEnding() {
        long deadline = System.nanoTime() + TRY_TIMEOUT.toNanos();
        synchronized (ending) {
            while (ending.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(ending, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** One lookup, ended once: by its bill, or without one (null). */
    private final class Pending {
        final Lookup lookup;
        final Consumer<Bill> found;
        final Runnable unknown;
        final AtomicBoolean settled = new AtomicBoolean();

        Pending(Lookup lookup, Consumer<Bill> found, Runnable unknown) {
            this.lookup = lookup;
            this.found = found;
            this.unknown = unknown;
        }

        void settle(Bill bill) {
            ending.incrementAndGet(); // before the claim: close() then waits for every claim it did not make itself
            try {
                if (!settled.compareAndSet(false, true)) {
                    return;
                }
                pending.remove(this);
                if (bill != null) {
                    found.accept(bill);
                } else {
                    unknown.run();
                }
            } catch (RuntimeException e) {
                LOG.warn("recording a cut-off stream failed: {}", e.toString());
            } finally {
                if (ending.decrementAndGet() == 0) {
                    synchronized (ending) {
                        ending.notifyAll();
                    }
                }
            }
        }
    }
}
