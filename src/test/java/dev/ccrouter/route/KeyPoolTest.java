package dev.ccrouter.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KeyPoolTest {
    private final SteppedClock clock = new SteppedClock();
    private final KeyPool pool = new KeyPool(List.of("k1", "k2", "k3"), Duration.ofSeconds(30), clock);

    private List<String> next(int calls) {
        return IntStream.range(0, calls).mapToObj(i -> pool.next()).toList();
    }

    @Test
    void keysAreUsedRoundRobin() {
        assertThat(next(7)).containsExactly("k1", "k2", "k3", "k1", "k2", "k3", "k1");
    }

    @Test
    void aRestingKeyIsPassedOverUntilItsRestEnds() {
        pool.next();
        pool.rest("k2", null);

        assertThat(next(4)).containsExactly("k3", "k1", "k3", "k1");
        clock.advance(Duration.ofSeconds(29));
        assertThat(next(2)).containsExactly("k3", "k1");
        clock.advance(Duration.ofSeconds(1));
        assertThat(next(3)).containsExactly("k2", "k3", "k1");
    }

    @Test
    void aKeyListedTwiceIsOneKeyAndRestsWhole() {
        KeyPool twice = new KeyPool(List.of("k1", "k2", "k1"), Duration.ofSeconds(30), clock);
        assertThat(twice.size()).isEqualTo(2);

        twice.rest("k1", null);
        assertThat(IntStream.range(0, 3).mapToObj(i -> twice.next()).toList()).containsExactly("k2", "k2", "k2");
    }

    @Test
    void retryAfterSetsTheRestInsteadOfTheCooldown() {
        pool.rest("k1", Duration.ofSeconds(120));
        clock.advance(Duration.ofSeconds(31));

        assertThat(next(2)).containsExactly("k2", "k3");
        clock.advance(Duration.ofSeconds(89));
        assertThat(pool.next()).isEqualTo("k1");
    }

    @Test
    void whenEveryKeyRestsTheOneWhoseRestEndsFirstIsUsed() {
        pool.rest("k1", Duration.ofSeconds(300));
        pool.rest("k2", Duration.ofSeconds(10));
        pool.rest("k3", Duration.ofSeconds(60));

        assertThat(pool.anyReady()).isFalse();
        assertThat(next(2)).containsExactly("k2", "k2");
        clock.advance(Duration.ofSeconds(10));
        assertThat(pool.anyReady()).isTrue();
    }

    @Test
    void restingAKeyTheProviderDoesNotHaveChangesNothing() {
        pool.rest("not-a-key", null);

        assertThat(pool.anyReady()).isTrue();
        assertThat(next(3)).containsExactly("k1", "k2", "k3");
    }
}
