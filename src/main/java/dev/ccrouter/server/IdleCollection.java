package dev.ccrouter.server;

import java.time.Duration;

/**
 * Gives the heap back once the gateway has gone quiet. The Serial collector collects its old generation only when it
 * is full, so after a burst the old generation keeps every page its promoted garbage touched, and the RSS stays where
 * the burst left it; a full collection compacts the live objects and shrinks the old generation to them plus the
 * free share the heap-free ratios allow, handing the rest back. It pauses every thread for as long as it takes (tens
 * of milliseconds with the small live set of a quiet gateway), so it runs only when nobody waits: after
 * {@link #QUIET} with no request in progress and none started, once per quiet spell, and only when requests were
 * served since the last one (or since the start, whose own garbage it also collects).
 *
 * <p>One more runs as soon as the start is over, before any request ({@link #startOver}): not for the memory but for
 * the young collections that follow under load.
 *
 * <p>Driven by the edge's watchdog tick; not thread-safe, as that tick runs on one thread.
 */
final class IdleCollection {
    static final Duration QUIET = Duration.ofSeconds(30);

    private final long quietNanos;
    private final Runnable collect;
    private long requestsSeen;
    private long quietSince;
    /** Requests were served since the last collection (the start counts as one). */
    private boolean served = true;

    /** @param collect the full collection, {@code System::gc} */
    IdleCollection(Duration quiet, Runnable collect, long now) {
        this.quietNanos = quiet.toNanos();
        this.collect = collect;
        this.quietSince = now;
    }

    /**
     * The start is over (its rehearsal done). What it built and keeps — some 4 MB of strings, tables and classes'
     * state — is still in the young generation, where each young collection copies it again until it is old enough to
     * be promoted: fifteen collections of ≈ 8 ms where ≈ 1.5 ms would do, under the first few thousand requests. One
     * full collection now moves it to the old generation at once (≈ 19 ms, and the start's garbage with it). Only
     * while no request has come: a client already talking is never paused for it, and then the quiet rule decides.
     */
    void startOver(long requestsStarted, int inProgress) {
        if (requestsStarted == 0 && inProgress == 0 && served) {
            served = false;
            collect.run();
        }
    }

    /**
     * @param requestsStarted requests started since the gateway started (a count that only grows)
     * @param inProgress      requests being handled right now (an open stream is one)
     */
    void tick(long now, long requestsStarted, int inProgress) {
        if (requestsStarted != requestsSeen || inProgress > 0) {
            requestsSeen = requestsStarted;
            quietSince = now;
            served = true;
            return;
        }
        if (served && now - quietSince >= quietNanos) {
            served = false;
            collect.run();
        }
    }
}
