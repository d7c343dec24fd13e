package dev.ccrouter.server;

import java.util.ArrayDeque;

/**
 * What one key used in the last minute (requests or tokens), as a log of amounts with their times: a true sliding
 * window, so a burst at the end of one minute and another at the start of the next cannot pass twice the limit.
 * Kept in memory, one per key and instance.
 */
final class SlidingMinute {
    static final long WINDOW_MILLIS = 60_000;

    private final ArrayDeque<long[]> used = new ArrayDeque<>(); // {time in ms, amount}
    private long total;

    /**
     * How long until the minute's total is below {@code limit}; 0 when it already is.
     */
    synchronized long waitMillis(long nowMillis, long limit) {
        expire(nowMillis);
        long over = total - limit;
        for (long[] entry : used) {
            if (over < 0) {
                break;
            }
            over -= entry[1];
            if (over < 0) {
                return entry[0] + WINDOW_MILLIS - nowMillis;
            }
        }
        return over < 0 ? 0 : WINDOW_MILLIS;
    }

    /** Counts {@code amount} unless the minute is full; returns 0 when counted, else how long to wait. */
    synchronized long take(long nowMillis, long limit, long amount) {
        long wait = waitMillis(nowMillis, limit);
        if (wait == 0) {
            add(nowMillis, amount);
        }
        return wait;
    }

    synchronized void add(long nowMillis, long amount) {
        if (amount > 0) {
            used.addLast(new long[] {nowMillis, amount});
            total += amount;
        }
    }

    private void expire(long nowMillis) {
        while (!used.isEmpty() && used.peekFirst()[0] <= nowMillis - WINDOW_MILLIS) {
            total -= used.removeFirst()[1];
        }
    }
}
