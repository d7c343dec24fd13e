package dev.ccrouter.upstream;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The arrays of a few finished upstream bodies, kept for the next ones. A Claude Code body is 80 KB and more, and a
 * new array of that size is zeroed and then written through memory the caches have not seen (5 % of a one-connection
 * request's CPU, measured); an array just used is still in the cache. A few, for the few large requests a session
 * has in flight at once (its main agent and subagents); under many connections most bodies find none and allocate
 * as before. Arrays over {@link #LARGEST} are not kept, so the shelf holds at most a few megabytes.
 */
final class BodyArrays {
    private static final int SLOTS = 4;
    /** Smaller arrays cost little to make; larger ones are not worth keeping resident. */
    private static final int SMALLEST = 16 * 1024;
    static final int LARGEST = 1024 * 1024;

    private final AtomicReferenceArray<byte[]> shelf = new AtomicReferenceArray<>(SLOTS);

    /**
     * A kept array of at least {@code capacity} bytes (its contents are a former body's), or a new one. A small body
     * always gets a new one: the shelf's few slots are shared by every connection, and touching them costs more than
     * a small array.
     */
    byte[] take(int capacity) {
        if (capacity >= SMALLEST && capacity <= LARGEST) {
            for (int i = 0; i < SLOTS; i++) {
                byte[] kept = shelf.get(i);
                if (kept != null && kept.length >= capacity && shelf.compareAndSet(i, kept, null)) {
                    return kept;
                }
            }
        }
        return new byte[capacity];
    }

    /** Keeps {@code array} for a later body when there is room; the caller must not use it again. */
    void give(byte[] array) {
        if (array.length < SMALLEST || array.length > LARGEST) {
            return;
        }
        for (int i = 0; i < SLOTS; i++) {
            if (shelf.get(i) == null && shelf.compareAndSet(i, null, array)) {
                return;
            }
        }
    }
}
