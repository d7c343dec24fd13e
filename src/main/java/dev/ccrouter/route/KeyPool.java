package dev.ccrouter.route;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A provider's own keys, used round-robin. A key the provider refused (401), found out of credits (402: OpenRouter's
 * "Insufficient credits", which is the key's account or its credit limit, not the request) or rate-limited (429)
 * rests until its
 * {@code retry-after} or for the cooldown; resting keys are passed over. When every key rests, the one whose rest
 * ends first is used: a request is never refused for want of a key.
 */
public final class KeyPool {
    private final List<String> keys;
    private final Instant[] restingUntil;
    private final Duration cooldown;
    private final Clock clock;
    private int next;

    KeyPool(List<String> keys, Duration cooldown, Clock clock) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a key pool needs at least one key");
        }
        // A key listed twice is one key: resting it must rest it, not leave its copy to be refused again.
        this.keys = List.copyOf(new LinkedHashSet<>(keys));
        this.restingUntil = new Instant[this.keys.size()];
        this.cooldown = cooldown;
        this.clock = clock;
    }

    /** Whether an answer with this status says something about the key rather than the request. */
    public static boolean refusesKey(int status) {
        return status == 401 || status == 402 || status == 429;
    }

    /** The key for the next call. */
    public synchronized String next() {
        Instant now = clock.instant();
        int size = keys.size();
        for (int step = 0; step < size; step++) {
            int candidate = (next + step) % size;
            if (!resting(candidate, now)) {
                next = (candidate + 1) % size;
                return keys.get(candidate);
            }
        }
        int leastRested = 0;
        for (int i = 1; i < size; i++) {
            if (restingUntil[i].isBefore(restingUntil[leastRested])) {
                leastRested = i;
            }
        }
        return keys.get(leastRested);
    }

    /**
     * The provider refused {@code key} or asked it to wait: it rests for {@code retryAfter} when the provider said how
     * long, else for the cooldown.
     */
    public synchronized void rest(String key, Duration retryAfter) {
        int index = keys.indexOf(key);
        if (index >= 0) {
            restingUntil[index] = clock.instant().plus(retryAfter != null ? retryAfter : cooldown);
        }
    }

    /** Whether some key is not resting now. */
    public synchronized boolean anyReady() {
        Instant now = clock.instant();
        for (int i = 0; i < keys.size(); i++) {
            if (!resting(i, now)) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return keys.size();
    }

    /**
     * Takes over the rests of the keys this pool shares with {@code previous}, the same provider's pool before a
     * reload: a key the provider refused or rate-limited is not tried again because an unrelated setting changed.
     * Keys are matched by value in memory only; a key not in {@code previous} starts ready.
     */
    void carryRestsFrom(KeyPool previous) {
        synchronized (previous) {
            synchronized (this) {
                for (int i = 0; i < keys.size(); i++) {
                    int before = previous.keys.indexOf(keys.get(i));
                    if (before >= 0) {
                        restingUntil[i] = previous.restingUntil[before];
                    }
                }
            }
        }
    }

    private boolean resting(int index, Instant now) {
        return restingUntil[index] != null && now.isBefore(restingUntil[index]);
    }
}
