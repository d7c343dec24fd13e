package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.Closeable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link SilenceWatch}: a read silent for the patience tells its call once, one silent for the read timeout has its
 * socket closed once; a write not taken for the patience tells its call once and is never closed; only reads and
 * writes under way count, each from its own start. The clock is the test's, and the test
 * looks ({@link SilenceWatch#tick()}) when it wants.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SilenceWatchTest {
    private static final Duration PATIENCE = Duration.ofMillis(50);
    private static final Duration READ_TIMEOUT = Duration.ofMillis(400);

    private long nowMillis;
    private final AtomicInteger closes = new AtomicInteger();
    private final Closeable socket = closes::incrementAndGet;
    private final List<String> told = new ArrayList<>();

    @Test
    void aReadSilentForThePatienceTellsItsCallOnceAndNotBefore() {
        SilenceWatch watch = watch(READ_TIMEOUT);
        SilenceWatch.Reads reads = servingACall(watch);

        tellsAtThePatience(watch, reads::reading);
        at(60, watch);
        at(390, watch);
        assertThat(told).containsExactly("waiting");
        assertThat(closes).hasValue(0);
        assertThat(reads.timedOut()).isFalse();
    }

    /** A read silent for the read timeout, or a write that took no slice of the body for as long (a stalled upload). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"read", "write"})
    void aReadOrWriteSilentForTheReadTimeoutHasItsSocketClosedOnceAndCountsAsTimedOut(String silent) {
        SilenceWatch watch = watch(READ_TIMEOUT);
        SilenceWatch.Reads reads = servingACall(watch);

        nowMillis = 1_000;
        if (silent.equals("read")) {
            reads.reading();
        } else {
            reads.writing();
        }
        at(1_399, watch);
        assertThat(closes).hasValue(0);
        at(1_400, watch);
        assertThat(closes).hasValue(1);
        assertThat(reads.timedOut()).isTrue();
        at(1_410, watch);
        assertThat(closes).as("closed once").hasValue(1);
    }

    @Test
    void eachReadsSilenceCountsFromItsOwnStart() {
        SilenceWatch watch = watch(READ_TIMEOUT);
        SilenceWatch.Reads reads = servingACall(watch);

        reads.reading();
        nowMillis = 300;
        reads.read();
        reads.reading();
        at(699, watch);
        assertThat(closes).hasValue(0);
        at(700, watch);
        assertThat(closes).hasValue(1);
    }

    @Test
    void betweenReadsAndWritesNothingIsWatched() {
        SilenceWatch watch = watch(READ_TIMEOUT);
        SilenceWatch.Reads reads = servingACall(watch);

        reads.writing();
        nowMillis = 40;
        reads.written();
        reads.reading();
        nowMillis = 80;
        reads.read();
        assertThat(at(10_000, watch)).as("no read or write under way").isFalse();
        assertThat(told).isEmpty();
        assertThat(closes).hasValue(0);
    }

    @Test
    void aConnectionServingNoCallTellsNobodyButStillTimesOut() {
        SilenceWatch watch = watch(READ_TIMEOUT);
        SilenceWatch.Reads reads = servingACall(watch);
        reads.serve(null);

        reads.reading();
        at(400, watch);
        assertThat(told).isEmpty();
        assertThat(closes).hasValue(1);
    }

    @Test
    void withoutAReadTimeoutASilentReadIsNeverClosed() {
        SilenceWatch watch = watch(Duration.ZERO);
        SilenceWatch.Reads reads = servingACall(watch);

        reads.reading();
        at(3_600_000, watch);
        assertThat(told).containsExactly("waiting");
        assertThat(closes).hasValue(0);
        assertThat(reads.timedOut()).isFalse();
    }

    @Test
    void aWriteNotTakenForThePatienceTellsItsCallOnceAndTheReadAfterItTimesItsOwnSilence() {
        SilenceWatch watch = watch(READ_TIMEOUT);
        SilenceWatch.Reads reads = servingACall(watch);

        tellsAtThePatience(watch, reads::writing);
        at(399, watch);
        reads.written();
        reads.reading();
        at(798, watch);
        assertThat(closes).hasValue(0);
        at(799, watch);
        assertThat(closes).as("the read's own silence").hasValue(1);
        assertThat(told).as("told once per call").containsExactly("waiting");
    }

    @Test
    void aLargeWriteSlowlyTakenIsTimedFromItsLastSliceNotItsStart() {
        SilenceWatch watch = watch(READ_TIMEOUT);
        SilenceWatch.Reads reads = servingACall(watch);

        reads.writing();
        for (long slice = 300; slice <= 3_000; slice += 300) {
            at(slice, watch);
            reads.progress();
        }
        at(3_399, watch);
        assertThat(closes).as("ten times the read timeout in all, never that long without a slice").hasValue(0);
        at(3_400, watch);
        assertThat(closes).hasValue(1);
    }

    @Test
    void aStoppedConnectionIsNoLongerWatched() {
        SilenceWatch watch = watch(READ_TIMEOUT);
        SilenceWatch.Reads reads = servingACall(watch);

        reads.reading();
        reads.stop();
        assertThat(at(1_000, watch)).isFalse();
        assertThat(told).isEmpty();
        assertThat(closes).hasValue(0);
    }

    @Test
    void theThreadRestsWhenNothingIsUnderWayAndAWriteWakesIt() {
        try (SilenceWatch watch = SilenceWatch.running(PATIENCE, Duration.ofMillis(200))) {
            SilenceWatch.Reads reads = watch.watch(socket);
            Cancellation call = new Cancellation();
            call.whenWaiting(() -> told.add("waiting"));
            reads.serve(call);
            await().atMost(Duration.ofSeconds(10)).until(watch::resting);

            reads.writing();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(told).containsExactly("waiting"));
            assertThat(watch.resting()).as("awake while the write was under way").isFalse();
        }
    }

    @Test
    void theThreadRestsWhenNoReadIsUnderWayAndTheNextReadWakesIt() {
        try (SilenceWatch watch = SilenceWatch.running(PATIENCE, Duration.ofMillis(200))) {
            SilenceWatch.Reads reads = watch.watch(socket);
            await().atMost(Duration.ofSeconds(10)).until(watch::resting);

            reads.reading();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(closes).hasValue(1));
            assertThat(reads.timedOut()).isTrue();
            assertThat(watch.resting()).as("awake while the read was under way").isFalse();
        }
    }

    private SilenceWatch watch(Duration readTimeout) {
        return new SilenceWatch(PATIENCE, readTimeout, () -> TimeUnit.MILLISECONDS.toNanos(nowMillis));
    }

    /** A connection watched, serving a call that notes when it is told it waits. */
    private SilenceWatch.Reads servingACall(SilenceWatch watch) {
        SilenceWatch.Reads reads = watch.watch(socket);
        Cancellation call = new Cancellation();
        call.whenWaiting(() -> told.add("waiting"));
        reads.serve(call);
        return reads;
    }

    /** At 0 a read or write begins ({@code begin}): under way and untold at 49 ms, told once at 50. */
    private void tellsAtThePatience(SilenceWatch watch, Runnable begin) {
        begin.run();
        assertThat(at(49, watch)).as("under way").isTrue();
        assertThat(told).isEmpty();
        at(50, watch);
        assertThat(told).containsExactly("waiting");
    }

    /** Sets the clock and looks: whether a read was under way. */
    private boolean at(long millis, SilenceWatch watch) {
        nowMillis = millis;
        return watch.tick();
    }
}
