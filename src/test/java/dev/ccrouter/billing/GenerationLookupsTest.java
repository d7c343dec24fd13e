package dev.ccrouter.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ccrouter.api.anthropic.CacheTtls;
import dev.ccrouter.testing.FakeUpstream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A lookup ends exactly once — with the bill, or without one after its last try, after an answer that will not
 * change, or when the gateway closes — and the number waiting at once is bounded.
 */
class GenerationLookupsTest {
    private static final List<Duration> QUICK = List.of(Duration.ofMillis(10), Duration.ofMillis(20),
            Duration.ofMillis(40));
    private static final String RECORD = "{\"data\":{\"native_tokens_prompt\":1000,\"native_tokens_completion\":10,"
            + "\"total_cost\":0.00315}}";

    FakeUpstream upstream;
    ScheduledExecutorService timers;

    @BeforeEach
    void start() {
        upstream = FakeUpstream.start();
        timers = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        timers.shutdownNow();
        upstream.close();
    }

    @Test
    void aRecordFoundEndsTheLookupWithItsBill() throws Exception {
        upstream.generations(FakeUpstream.json(200, RECORD));
        Outcome outcome = new Outcome();
        try (GenerationLookups lookups = new GenerationLookups(timers, QUICK, 10)) {
            assertThat(lookups.lookUp(lookup("gen-a"), outcome::found, outcome::unknown)).isTrue();

            Bill bill = outcome.bill.get(5, TimeUnit.SECONDS);
            assertThat(bill.usage().inputTokens()).isEqualTo(1000);
            assertThat(bill.usage().outputTokens()).isEqualTo(10);
            assertThat(bill.upstreamCost()).isEqualByComparingTo("0.00315");
            assertThat(lookups.pending()).isZero();
        }
        assertThat(outcome.ends.get()).isEqualTo(1);
        assertThat(upstream.generationRequests()).singleElement().satisfies(request -> {
            assertThat(request.path()).isEqualTo("/v1/generation?id=gen-a");
            assertThat(request.headers()).containsEntry("authorization", "Bearer sk-or-provider");
        });
    }

    @Test
    void aRecordThatNeverAppearsIsTriedOncePerWaitThenGivenUp() throws Exception {
        Outcome outcome = new Outcome(); // the fake answers 404 to every lookup
        try (GenerationLookups lookups = new GenerationLookups(timers, QUICK, 10)) {
            lookups.lookUp(lookup("gen-b"), outcome::found, outcome::unknown);

            assertThat(outcome.unknown.get(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(upstream.generationRequests()).hasSize(3);
        assertThat(outcome.ends.get()).isEqualTo(1);
        assertThat(outcome.bill).isNotDone();
    }

    /** A record whose counts are not counts will not become one: the row is written without usage, at once. */
    @Test
    void aRecordWhoseCountsAreNoneIsNotAskedAgain() throws Exception {
        upstream.generations(FakeUpstream.json(200,
                "{\"data\":{\"native_tokens_prompt\":1e30,\"native_tokens_completion\":10,\"total_cost\":0.00315}}"));
        Outcome outcome = new Outcome();
        try (GenerationLookups lookups = new GenerationLookups(timers, QUICK, 10)) {
            lookups.lookUp(lookup("gen-n"), outcome::found, outcome::unknown);

            assertThat(outcome.unknown.get(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(upstream.generationRequests()).hasSize(1);
        assertThat(outcome.bill).isNotDone();
    }

    @Test
    void aRefusedKeyIsNotAskedAgain() throws Exception {
        upstream.generations(FakeUpstream.json(401, "{\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}}"));
        Outcome outcome = new Outcome();
        try (GenerationLookups lookups = new GenerationLookups(timers, QUICK, 10)) {
            lookups.lookUp(lookup("gen-c"), outcome::found, outcome::unknown);

            assertThat(outcome.unknown.get(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(upstream.generationRequests()).hasSize(1);
    }

    @Test
    void closingEndsEveryWaitingLookupWithoutABillAndStartsNoMore() throws Exception {
        Outcome outcome = new Outcome();
        GenerationLookups lookups = new GenerationLookups(timers, List.of(Duration.ofMinutes(1)), 10);
        lookups.lookUp(lookup("gen-d"), outcome::found, outcome::unknown);
        assertThat(lookups.pending()).isEqualTo(1);

        lookups.close();

        assertThat(outcome.unknown).isCompletedWithValue(true); // at once, on the closing thread
        assertThat(lookups.pending()).isZero();
        assertThat(lookups.lookUp(lookup("gen-e"), outcome::found, outcome::unknown)).isFalse();
        assertThat(outcome.ends.get()).isEqualTo(1);
    }

    @Test
    void closingWaitsForARowALookupIsWritingFromItsRecord() throws Exception {
        upstream.generations(FakeUpstream.json(200, RECORD));
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch closeReturned = new CountDownLatch(1);
        AtomicBoolean written = new AtomicBoolean();
        GenerationLookups lookups = new GenerationLookups(timers, QUICK, 10);
        lookups.lookUp(lookup("gen-i"), bill -> { // the row being recorded: limits, ledger queue, metrics
            writing.countDown();
            try {
                // a slow recording: it ends when close() has returned, or after a second if close() waits for it
                closeReturned.await(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.set(true);
        }, () -> { });
        assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();

        lookups.close(); // the gateway closes the ledger's writer next: a row queued after that is lost
        boolean writtenWhenClosed = written.get();
        closeReturned.countDown();

        assertThat(writtenWhenClosed).as("close() returned before the found row was recorded").isTrue();
    }

    @Test
    void beyondTheBoundAStreamIsNotLookedUp() {
        Outcome first = new Outcome();
        Outcome second = new Outcome();
        try (GenerationLookups lookups = new GenerationLookups(timers, List.of(Duration.ofMinutes(1)), 1)) {
            assertThat(lookups.lookUp(lookup("gen-f"), first::found, first::unknown)).isTrue();
            assertThat(lookups.lookUp(lookup("gen-g"), second::found, second::unknown)).isFalse();
        }
        assertThat(second.ends.get()).isZero(); // the caller records it at once; no callback runs
        await().atMost(Duration.ofSeconds(1)).until(() -> first.ends.get() == 1);
    }

    /** A proxy's password in the provider's base URL is in no line the lookups log, at any level. */
    @Test
    void aPasswordInTheBaseUrlIsNotLogged() throws Exception {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Logger logger = (Logger) LoggerFactory.getLogger(GenerationLookups.class);
        Level level = logger.getLevel();
        logger.setLevel(Level.ALL);
        logger.addAppender(lines);
        try {
            URI proxied = URI.create(upstream.baseUrl().replace("http://", "http://proxyuser:PLANTEDpw-4e9a1c@"));
            GenerationLookups.Lookup lookup = GenerationLookups.Lookup.of(proxied, "gen-p", "Authorization",
                    "Bearer sk-or-provider", CacheTtls.NONE, null, false);
            Outcome outcome = new Outcome(); // the fake answers 404 to every lookup
            try (GenerationLookups lookups = new GenerationLookups(timers, QUICK, 10)) {
                lookups.lookUp(lookup, outcome::found, outcome::unknown);
                assertThat(outcome.unknown.get(5, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(lookup.toString()).isEqualTo("Lookup[" + upstream.baseUrl() + "/generation?id=gen-p]");
            assertThat(lines.list).map(ILoggingEvent::getFormattedMessage).containsExactly(
                    "usage of the cut-off stream at " + upstream.baseUrl() + "/generation?id=gen-p not known after 3 "
                            + "tries: HTTP 404");
        } finally {
            logger.detachAppender(lines);
            logger.setLevel(level);
        }
    }

    private GenerationLookups.Lookup lookup(String id) {
        return GenerationLookups.Lookup.of(URI.create(upstream.baseUrl()), id, "Authorization",
                "Bearer sk-or-provider", CacheTtls.NONE, UsageAccountingTest.CATALOG.get("anthropic/claude-sonnet-4.6"),
                false);
    }

    @Test
    void aLookupPrintsNoKey() {
        assertThat(lookup("gen-h").toString()).doesNotContain("sk-or-provider")
                .isEqualTo("Lookup[" + upstream.baseUrl() + "/generation?id=gen-h]");
    }

    /** How one lookup ended, and how many times it was told to end. */
    private static final class Outcome {
        final CompletableFuture<Bill> bill = new CompletableFuture<>();
        final CompletableFuture<Boolean> unknown = new CompletableFuture<>();
        final AtomicInteger ends = new AtomicInteger();

        void found(Bill found) {
            ends.incrementAndGet();
            bill.complete(found);
        }

        void unknown() {
            ends.incrementAndGet();
            unknown.complete(true);
        }
    }
}
