package dev.ccrouter.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many exchanges a server is in the middle of (from a request's whole head to the exchange's end), and what a
 * virtual thread does about it before it waits on a socket: when there are more exchanges than carrier threads to run
 * them, it first lets the others run ({@link Thread#yield()}).
 *
 * <p>Why: a virtual thread whose read finds no bytes parks, and the JDK's poller must then be told of the socket
 * ({@code epoll_ctl}), wake when it is ready and hand the thread back to a carrier — about a tenth of a small request's
 * CPU under load. When others are waiting to run, the bytes (the upstream's answer, the client's next request) have
 * usually arrived by the time the thread is back, and its read takes them without a poller round. With no more
 * exchanges than carriers the thread reads at once: yielding there only cost a lone client's requests time, since
 * nothing has arrived when the thread is back. Exchanges that wait seconds on a model count too, and make a yield
 * that finds nothing else to run: a few microseconds in a request that takes seconds (docs/benchmarks.md, "Letting
 * the others run before a read").
 */
public final class Crowd {
    /** The default scheduler of virtual threads runs them on one carrier per core unless told otherwise. */
    private static final int CARRIERS = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
            Runtime.getRuntime().availableProcessors());

    private final AtomicInteger exchanges = new AtomicInteger();
    private final int carriers;

    public Crowd() {
        this(CARRIERS);
    }

    Crowd(int carriers) {
        this.carriers = carriers;
    }

    /** An exchange's request head has arrived whole. */
    void entered() {
        exchanges.incrementAndGet();
    }

    /** An exchange {@linkplain #entered() begun} ended, however. */
    void left() {
        exchanges.decrementAndGet();
    }

    /** Exchanges in progress now: also what tells the gateway's watchdog that it is quiet. */
    public int inProgress() {
        return exchanges.get();
    }

    /** More exchanges are in progress than there are carriers to run their threads. */
    boolean crowded() {
        return exchanges.get() > carriers;
    }

    /** Called by a virtual thread about to read from a socket whose bytes may not have arrived yet. */
    public void makeWay() {
        if (crowded()) {
            Thread.yield();
        }
    }
}
