package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.RecyclerPool;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Jackson's working buffers shared by every thread, at most {@link #CAPACITY} sets kept, without a lock. Jackson's own
 * bounded pool keeps them in an {@code ArrayBlockingQueue}: one lock taken twice per document, and a streaming request
 * reads and writes about ten documents (its body, the upstream's chunks, the events framed, the bill), so the two
 * carrier threads met on that lock thousands of times a second (3–4 % of their CPU under load).
 *
 * <p>Here each set sits in a slot of its own, taken or left with one compare-and-set. Both searches start at the first
 * slot, so the sets gather there and a search seldom looks past the first few (one started at a slot picked by the
 * thread's id scanned half the array on average, half the pool's cost); with every slot empty a new set is made, with
 * every slot full a returned set is left to the collector. Sets are held only while a document is read or written,
 * so a handful of slots serve a gateway of any number of streams.
 */
final class JsonBufferPool implements RecyclerPool<BufferRecycler> {
    /** Jackson's bounded pool keeps 100; more than the documents in flight on a few carriers at once. */
    static final int CAPACITY = 64;
    private static final long serialVersionUID = 1L;

    private final AtomicReferenceArray<BufferRecycler> slots = new AtomicReferenceArray<>(CAPACITY);

    @Override
    public BufferRecycler acquirePooled() {
        for (int slot = 0; slot < CAPACITY; slot++) {
            BufferRecycler buffers = slots.getOpaque(slot); // perhaps stale: the compare-and-set decides
            if (buffers != null && slots.compareAndSet(slot, buffers, null)) {
                return buffers;
            }
        }
        return new BufferRecycler();
    }

    @Override
    public void releasePooled(BufferRecycler buffers) {
        for (int slot = 0; slot < CAPACITY; slot++) {
            if (slots.getOpaque(slot) == null && slots.compareAndSet(slot, null, buffers)) {
                return;
            }
        }
    }

    @Override
    public int pooledCount() {
        int count = 0;
        for (int slot = 0; slot < CAPACITY; slot++) {
            if (slots.get(slot) != null) {
                count++;
            }
        }
        return count;
    }

    @Override
    public boolean clear() {
        for (int slot = 0; slot < CAPACITY; slot++) {
            slots.set(slot, null);
        }
        return true;
    }
}
