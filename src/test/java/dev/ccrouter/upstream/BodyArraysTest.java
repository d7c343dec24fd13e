package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shelf of former bodies' arrays: what it keeps, and what a body takes from it. */
class BodyArraysTest {
    private final BodyArrays arrays = new BodyArrays();

    @Test
    void aBodyTakesAKeptArrayLargeEnoughAndElseANewOneAnEighthLarger() {
        byte[] former = new byte[90_000];
        arrays.give(former);

        assertThat(arrays.take(100_000)).isNotSameAs(former).hasSize(112_500); // too small for it
        assertThat(arrays.take(80_000)).isSameAs(former);
        assertThat(arrays.take(80_000)).isNotSameAs(former).hasSize(90_000); // taken: no longer on the shelf
    }

    @Test
    void aConversationsNextLongerTurnFitsInTheArrayOfThePreviousOne() {
        byte[] first = arrays.take(80_000);
        arrays.give(first);

        assertThat(arrays.take(86_000)).isSameAs(first);
    }

    @Test
    void aBodyTakesTheSmallestKeptArrayItFitsIn() {
        byte[] large = new byte[200_000];
        byte[] small = new byte[30_000];
        arrays.give(large);
        arrays.give(small);

        assertThat(arrays.take(25_000)).isSameAs(small);
        assertThat(arrays.take(25_000)).isSameAs(large);
    }

    @Test
    void smallAndHugeArraysAreNotKept() {
        byte[] small = new byte[8 * 1024];
        byte[] huge = new byte[BodyArrays.LARGEST + 1];
        arrays.give(small);
        arrays.give(huge);

        assertThat(arrays.take(1_000)).isNotSameAs(small).isNotSameAs(huge).hasSize(1_000);
        assertThat(arrays.take(BodyArrays.LARGEST + 1)).isNotSameAs(huge).hasSize(BodyArrays.LARGEST + 1);
        assertThat(arrays.keptBytes()).isZero();
    }

    @Test
    void aSmallBodyGetsANewArrayOfItsSizeEvenWhenALargeOneIsKept() {
        byte[] former = new byte[90_000];
        arrays.give(former);

        assertThat(arrays.take(2_000)).isNotSameAs(former).hasSize(2_000);
        assertThat(arrays.take(80_000)).isSameAs(former);
    }

    @Test
    void atMostOneArrayPerSlotIsKept() {
        List<byte[]> given = new ArrayList<>();
        for (int i = 0; i <= BodyArrays.SLOTS; i++) {
            given.add(new byte[20_000]);
            arrays.give(given.get(i));
        }

        assertThat(arrays.keptBytes()).isEqualTo(BodyArrays.SLOTS * 20_000L);
        List<byte[]> taken = new ArrayList<>();
        for (int i = 0; i < BodyArrays.SLOTS; i++) {
            taken.add(arrays.take(20_000));
        }
        assertThat(taken).containsExactlyInAnyOrderElementsOf(given.subList(0, BodyArrays.SLOTS));
        assertThat(arrays.take(20_000)).isNotSameAs(given.get(BodyArrays.SLOTS)).hasSize(22_500);
        assertThat(arrays.keptBytes()).isZero();
    }

    @Test
    void aFullShelfKeepsALargerArrayInPlaceOfItsSmallest() {
        for (int i = 0; i < BodyArrays.SLOTS; i++) {
            arrays.give(new byte[20_000 + i]);
        }
        byte[] larger = new byte[30_000];
        arrays.give(larger);

        assertThat(arrays.keptBytes()).isEqualTo(BodyArrays.SLOTS * 20_000L + (BodyArrays.SLOTS - 1) * BodyArrays.SLOTS / 2
                - 20_000 + 30_000);
        assertThat(arrays.take(20_000)).hasSize(20_001); // the smallest, 20,000, made room
        assertThat(arrays.take(25_000)).isSameAs(larger);
    }

    @Test
    void arraysBeyondTheBudgetAreNotKept() {
        int size = BodyArrays.LARGEST; // 1 MB: eight fill the 8 MB budget
        byte[][] given = new byte[9][];
        for (int i = 0; i < given.length; i++) {
            given[i] = new byte[size];
            arrays.give(given[i]);
        }

        assertThat(arrays.keptBytes()).isEqualTo(BodyArrays.BUDGET);
        for (int i = 0; i < 8; i++) {
            assertThat(arrays.take(size)).isSameAs(given[i]);
        }
        assertThat(arrays.take(size)).isNotSameAs(given[8]);
        byte[] small = new byte[20_000];
        arrays.give(small); // room again
        assertThat(arrays.take(20_000)).isSameAs(small);
    }

    @Test
    void emptiedShelvesKeepNothing() {
        BodyArrays shelf = BodyArrays.shelf();
        byte[] former = new byte[90_000];
        shelf.give(former);
        arrays.give(new byte[90_000]); // a shelf of its own: not among those emptied together

        BodyArrays.emptyAll();

        assertThat(shelf.keptBytes()).isZero();
        assertThat(shelf.take(80_000)).isNotSameAs(former);
        assertThat(arrays.keptBytes()).isEqualTo(90_000);
    }

    @Test
    void underTheTestsAnArrayGivenBackIsOverwrittenAtOnce() {
        // pom.xml's surefire argLine: a body's bytes read after its request gave them back then fail their test
        byte[] body = "{\"messages\":[]}".getBytes();
        arrays.give(body);

        assertThat(body).containsOnly(BodyArrays.POISON);
    }
}
