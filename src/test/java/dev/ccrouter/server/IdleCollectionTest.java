package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * When a quiet gateway collects its heap: once per quiet spell, after the quiet period with no request started or in
 * progress, and never while a request (an open stream) is being handled however long it lasts; and once when the start
 * is over, if no request came before it.
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

    @Test
    void theEndOfTheStartCollectsAtOnceWhenNoRequestCameAndCountsAsTheQuietSpellsCollection() {
        idle.tick(0, 0, 0);
        idle.startOver(0, 0);
        assertThat(collections).as("at once, not after the quiet period").hasValue(1);

        idle.tick(30 * SECOND, 0, 0);
        idle.tick(600 * SECOND, 0, 0);
        assertThat(collections).as("nothing served since: no second one").hasValue(1);

        idle.tick(601 * SECOND, 5, 0);
        idle.tick(631 * SECOND, 5, 0);
        assertThat(collections).as("the quiet rule goes on after it").hasValue(2);
    }

    @Test
    void aRequestBeforeTheEndOfTheStartIsNeverPausedForItsCollection() {
        idle.startOver(0, 1); // the first request arrived as the gateway listened, and is still running
        idle.startOver(1, 0); // or came and went
        assertThat(collections).hasValue(0);

        idle.tick(1 * SECOND, 1, 0);
        idle.tick(31 * SECOND, 1, 0);
        assertThat(collections).as("the quiet rule collects the start's garbage instead").hasValue(1);
    }
}
