package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shelf of former bodies' arrays: what it keeps, and what a body takes from it. */
class BodyArraysTest {
    private final BodyArrays arrays = new BodyArrays();

    @Test
    void aBodyTakesAKeptArrayLargeEnoughAndElseANewOneOfItsSize() {
        byte[] former = new byte[90_000];
        arrays.give(former);

        assertThat(arrays.take(100_000)).isNotSameAs(former).hasSize(100_000); // too small for it
        assertThat(arrays.take(80_000)).isSameAs(former);
        assertThat(arrays.take(80_000)).isNotSameAs(former).hasSize(80_000); // taken: no longer on the shelf
    }

    @Test
    void smallAndHugeArraysAreNotKept() {
        byte[] small = new byte[8 * 1024];
        byte[] huge = new byte[BodyArrays.LARGEST + 1];
        arrays.give(small);
        arrays.give(huge);

        assertThat(arrays.take(1_000)).isNotSameAs(small).isNotSameAs(huge).hasSize(1_000);
    }

    @Test
    void aSmallBodyGetsANewArrayEvenWhenALargeOneIsKept() {
        byte[] former = new byte[90_000];
        arrays.give(former);

        assertThat(arrays.take(2_000)).isNotSameAs(former).hasSize(2_000);
        assertThat(arrays.take(80_000)).isSameAs(former);
    }

    @Test
    void atMostFourAreKept() {
        byte[][] given = new byte[5][];
        for (int i = 0; i < given.length; i++) {
            given[i] = new byte[20_000 + i];
            arrays.give(given[i]);
        }

        for (int i = 0; i < 4; i++) {
            assertThat(arrays.take(20_000)).isSameAs(given[i]);
        }
        assertThat(arrays.take(20_000)).isNotSameAs(given[4]);
    }
}
