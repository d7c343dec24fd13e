package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When a quiet gateway collects its heap: once per quiet spell, after the quiet period with no request started or in
 * progress, and never while a request (an open stream) is being handled however long it lasts.
 */
class IdleCollectionTest {
    static final long SECOND = 1_000_000_000L;
    final AtomicInteger collections = new AtomicInteger();
    final IdleCollection idle = new IdleCollection(Duration.ofSeconds(30), collections::incrementAndGet, 0);

    @Test
    void aGatewayQuietSinceItsStartCollectsOnceAfterTheQuietPeriod() {
        idle.tick(29 * SECOND, 0, 0);
        assertThat(collections).hasValue(0);

        idle.tick(30 * SECOND, 0, 0);
        idle.tick(31 * SECOND, 0, 0);
        idle.tick(600 * SECOND, 0, 0);
        assertThat(collections).as("once per quiet spell").hasValue(1);
    }

    @Test
    void requestsStartANewQuietSpellWhichEndsInOneMoreCollection() {
        idle.tick(30 * SECOND, 0, 0);
        idle.tick(40 * SECOND, 3, 0); // three requests came and went
        idle.tick(69 * SECOND, 3, 0);
        assertThat(collections).hasValue(1);

        idle.tick(70 * SECOND, 3, 0);
        assertThat(collections).hasValue(2);
    }

    @Test
    void aRequestInProgressHoldsTheCollectionOffHoweverLongItLasts() {
        idle.tick(1 * SECOND, 1, 1);
        idle.tick(100 * SECOND, 1, 1); // a stream open for minutes
        assertThat(collections).hasValue(0);

        idle.tick(101 * SECOND, 1, 0); // it ended since the last tick, which saw it
        idle.tick(129 * SECOND, 1, 0);
        assertThat(collections).hasValue(0);
        idle.tick(130 * SECOND, 1, 0);
        assertThat(collections).hasValue(1);
    }
}
