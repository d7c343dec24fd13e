package dev.ccrouter.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.http.Filter;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.http.ServerResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the gateway says about itself on {@code GET /health}, for {@code ccrouter status} and for {@code ccrouter code}
 * deciding whether a running gateway is the one it was asked for: version, process, upstream, model mapping, uptime
 * and API requests served. It also counts the requests in flight, which a stop waits for.
 */
final class GatewayStatus implements Filter {
    private final ObjectMapper json;
    /** The configuration in use: a reload's models are what the gateway serves with now (its upstream waits). */
    private volatile GatewayConfig config;
    private final Instant started = Instant.now();
    private final AtomicLong served = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();

    GatewayStatus(ObjectMapper json, GatewayConfig config) {
        this.json = json;
        this.config = config;
    }

    /**
     * Counts every request while it runs (a stream until its last event), and API calls as their answer starts: a
     * client that got its answer sees itself counted.
     */
    @Override
    public void filter(Filter.Chain chain, ServerRequest req, ServerResponse res) throws Exception {
        inFlight.incrementAndGet();
        if (req.path().startsWith("/v1/")) {
            res.beforeSend(served::incrementAndGet);
        }
        try {
            chain.proceed();
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** A reloaded configuration, applied to new requests: {@code /health} describes it from now on. */
    void reconfigure(GatewayConfig next) {
        this.config = next;
    }

    int inFlight() {
        return inFlight.get();
    }

    void health(ServerRequest req, ServerResponse res) {
        GatewayConfig config = this.config;
        ObjectNode body = json.createObjectNode()
                .put("status", "ok")
                .put("version", GatewayServer.version())
                .put("pid", ProcessHandle.current().pid())
                .put("upstream", config.upstreamDisplay())
                .put("uptime_seconds", Duration.between(started, Instant.now()).toSeconds())
                .put("requests_served", served.get());
        body.putObject("models")
                .put("haiku", config.models().haiku())
                .put("sonnet", config.models().sonnet())
                .put("opus", config.models().opus());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.header(HeaderNames.CACHE_CONTROL, "no-store");
        res.send(body.toString());
    }
}
