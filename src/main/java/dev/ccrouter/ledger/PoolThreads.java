package dev.ccrouter.ledger;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes the connection pool's threads and keeps them, so that a closed ledger can wait for their end: HikariCP's
 * close waits for its executors to terminate, which they report a moment before their threads have ended (and its
 * housekeeper is not waited for at all). A caller that closes the ledger and then deletes the data directory, or
 * counts the threads left, must find none.
 */
final class PoolThreads implements ThreadFactory {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final String name;
    private final AtomicInteger made = new AtomicInteger();
    private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();

    PoolThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread thread = Thread.ofPlatform().daemon().name(name + "-" + made.incrementAndGet()).unstarted(task);
        threads.add(thread);
        return thread;
    }

    /** Waits for every thread made so far to end (the pool is closed: none is made after). */
    void awaitEnd() {
        for (Thread thread : threads) {
            try {
                thread.join(PATIENCE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
