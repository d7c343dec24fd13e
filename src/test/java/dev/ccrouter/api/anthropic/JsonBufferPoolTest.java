package dev.ccrouter.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Jackson's buffers, lent to one document at a time, kept up to the pool's capacity. */
class JsonBufferPoolTest {
    private final JsonBufferPool pool = new JsonBufferPool();

    @Test
    void aReturnedSetIsLentAgainAndAnEmptyPoolMakesANewOne() {
        BufferRecycler first = pool.acquireAndLinkPooled();
        BufferRecycler second = pool.acquireAndLinkPooled();
        assertThat(second).isNotSameAs(first);
        assertThat(pool.pooledCount()).isZero();

        first.releaseToPool();

        assertThat(pool.pooledCount()).isEqualTo(1);
        assertThat(pool.acquireAndLinkPooled()).isSameAs(first);
        assertThat(pool.pooledCount()).isZero();
    }

    @Test
    void setsBeyondTheCapacityAreLeftToTheCollector() {
        List<BufferRecycler> lent = new ArrayList<>();
        for (int i = 0; i < JsonBufferPool.CAPACITY + 10; i++) {
            lent.add(pool.acquireAndLinkPooled());
        }
        lent.forEach(BufferRecycler::releaseToPool);

        assertThat(pool.pooledCount()).isEqualTo(JsonBufferPool.CAPACITY);
        assertThat(pool.clear()).isTrue();
        assertThat(pool.pooledCount()).isZero();
    }

    @Test
    void noSetIsLentToTwoHoldersAtOnce() throws Exception {
        Set<BufferRecycler> held = ConcurrentHashMap.newKeySet();
        AtomicInteger sharedWhileHeld = new AtomicInteger();
        int threads = 8;
        CountDownLatch start = new CountDownLatch(1);
        try (ExecutorService executor = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                runs.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < 20_000; i++) {
                        BufferRecycler buffers = pool.acquireAndLinkPooled();
                        if (!held.add(buffers)) {
                            sharedWhileHeld.incrementAndGet();
                        }
                        held.remove(buffers);
                        buffers.releaseToPool();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> run : runs) {
                run.get();
            }
        }

        assertThat(sharedWhileHeld).hasValue(0);
        assertThat(pool.pooledCount()).isBetween(1, threads);
    }

    @Test
    void theGatewaysMappersReadAndWriteThroughThePool() throws Exception {
        ObjectMapper json = JsonBuffers.mapper();
        JsonNode tree = json.readTree("{\"text\":\"" + "x".repeat(10_000) + "\",\"n\":[1,2.5,true,null]}");

        assertThat(json.getFactory()._getRecyclerPool()).isInstanceOf(JsonBufferPool.class);
        assertThat(json.writeValueAsString(tree)).isEqualTo(tree.toString());
    }
}
