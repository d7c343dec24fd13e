package dev.ccrouter.upstream;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The arrays of finished bodies, kept for the next ones. A Claude Code body is 80 KB and more, and a new array of that
 * size is zeroed and then written through memory the caches have not seen since the last collection: under 64
 * connections of such bodies that was a tenth of the gateway's CPU a request (docs/benchmarks.md). A kept array is
 * warmer, is not zeroed, and is not garbage for the collector. There are slots for as many bodies as a busy gateway
 * has in flight at once ({@value #SLOTS}), and never more than {@link #BUDGET} bytes on one shelf, so a shelf costs at
 * most a few megabytes of heap; arrays under {@link #SMALLEST} (cheap to make) or over {@link #LARGEST} are not kept.
 * Thread-safe without locks: each slot is taken or filled by one compare-and-set.
 *
 * <p>A quiet gateway keeps none ({@link #emptyAll}, before the collection that gives a burst's heap back).
 *
 * <p>Whoever gives an array back must be done with it, and so must everything that points into it: the next body
 * overwrites it. Under the tests ({@code -Dccrouter.poisonGivenArrays=true}) every array given back is overwritten at
 * once, so that anything still reading one reads nonsense and fails its test instead of another request's bytes.
 */
public final class BodyArrays {
    static final int SLOTS = 64;
    /** Smaller arrays cost little to make. */
    static final int SMALLEST = 16 * 1024;
    /** Larger ones are not worth keeping resident. */
    static final int LARGEST = 1024 * 1024;
    /** The bytes one shelf keeps at most. */
    static final long BUDGET = 8L * 1024 * 1024;
    /** What a poisoned array is filled with: not JSON, so no reader mistakes it for a body. */
    static final byte POISON = (byte) 0xFF;
    private static final boolean POISONED = Boolean.getBoolean("ccrouter.poisonGivenArrays");

    /** Every shelf {@link #shelf()} made: the process has two, its client bodies' and its upstream bodies'. */
    private static final List<BodyArrays> SHELVES = new CopyOnWriteArrayList<>();

    private final AtomicReferenceArray<byte[]> shelf = new AtomicReferenceArray<>(SLOTS);
    private final AtomicLong keptBytes = new AtomicLong();

    /** A shelf for the process's life, emptied with the others by {@link #emptyAll}. */
    public static BodyArrays shelf() {
        BodyArrays shelf = new BodyArrays();
        SHELVES.add(shelf);
        return shelf;
    }

    /** A shelf of its own (the tests'). */
    BodyArrays() {
    }

    /**
     * Lets go of every array kept, for the collection that follows to free: after a burst the shelves would otherwise
     * hold up to {@link #BUDGET} each in the old generation, which a quiet gateway gives back.
     */
    public static void emptyAll() {
        for (BodyArrays shelf : SHELVES) {
            shelf.empty();
        }
    }

    void empty() {
        for (int i = 0; i < SLOTS; i++) {
            byte[] kept = shelf.getAndSet(i, null);
            if (kept != null) {
                keptBytes.addAndGet(-kept.length);
            }
        }
    }

    /**
     * The smallest kept array of at least {@code capacity} bytes (its contents are a former body's), or a new one. A new
     * array that the shelf could keep has an eighth more room than asked, so that the next turn of a conversation,
     * a little longer each time, fits in it; a small body always gets a new one of its size.
     */
    public byte[] take(int capacity) {
        if (capacity < SMALLEST || capacity > LARGEST) {
            return new byte[capacity];
        }
        int slot = -1;
        byte[] best = null;
        for (int i = 0; i < SLOTS; i++) {
            byte[] kept = shelf.get(i);
            if (kept != null && kept.length >= capacity && (best == null || kept.length < best.length)) {
                slot = i;
                best = kept;
            }
        }
        if (best != null && shelf.compareAndSet(slot, best, null)) {
            keptBytes.addAndGet(-best.length);
            return best;
        }
        return new byte[Math.min(LARGEST, capacity + capacity / 8)];
    }

    /**
     * Keeps {@code array} for a later body: in a free slot within the budget, else in place of the smallest array
     * kept when that is smaller, so that the shelf follows the sizes bodies grow to. The caller must not use the array
     * again, nor let anything else.
     */
    public void give(byte[] array) {
        if (POISONED) {
            Arrays.fill(array, POISON);
        }
        if (array.length < SMALLEST || array.length > LARGEST) {
            return;
        }
        if (reserve(array.length)) {
            for (int i = 0; i < SLOTS; i++) {
                if (shelf.get(i) == null && shelf.compareAndSet(i, null, array)) {
                    return;
                }
            }
            keptBytes.addAndGet(-array.length); // every slot taken
        }
        replaceSmallest(array);
    }

    private void replaceSmallest(byte[] array) {
        int slot = -1;
        byte[] smallest = null;
        for (int i = 0; i < SLOTS; i++) {
            byte[] kept = shelf.get(i);
            if (kept != null && kept.length < array.length && (smallest == null || kept.length < smallest.length)) {
                slot = i;
                smallest = kept;
            }
        }
        if (smallest == null) {
            return;
        }
        int growth = array.length - smallest.length;
        if (reserve(growth) && !shelf.compareAndSet(slot, smallest, array)) {
            keptBytes.addAndGet(-growth); // taken or replaced meanwhile: this one is not kept
        }
    }

    /** Counts {@code bytes} more on the shelf when they fit in the budget. */
    private boolean reserve(long bytes) {
        if (keptBytes.addAndGet(bytes) <= BUDGET) {
            return true;
        }
        keptBytes.addAndGet(-bytes);
        return false;
    }

    /** The bytes on the shelf now. */
    long keptBytes() {
        return keptBytes.get();
    }
}
