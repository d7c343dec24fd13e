package dev.ccrouter.upstream;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * The TLS context connections to https providers use, made once and only when one is https: the JDK's default
 * context loads and parses its trust store (a third of a second, and megabytes of certificates kept in the heap), which
 * a gateway whose providers are all http (a model server on the same machine, a sidecar) never needs. It is made
 * once the server listens when the configuration names an https provider, else at the first https connection (a
 * provider a configuration reload added).
 */
final class UpstreamTls {
    private final Supplier<SSLSocketFactory> factory;
    private CompletableFuture<SSLSocketFactory> made; // guarded by this

    UpstreamTls(Supplier<SSLSocketFactory> factory) {
        this.factory = factory;
    }

    /** Starts making the context on its own thread, unless it is made or being made. */
    synchronized CompletableFuture<SSLSocketFactory> start() {
        if (made == null) {
            made = CompletableFuture.supplyAsync(factory,
                    task -> Thread.ofPlatform().daemon().name("ccrouter-upstream-init").start(task));
        }
        return made;
    }

    /** The context, made now if no one asked before; waits for it if it is being made. */
    SSLSocketFactory get() {
        return start().join();
    }
}
