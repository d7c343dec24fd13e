package dev.ccrouter.route;

import dev.ccrouter.route.RouteDecision.Candidate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A circuit breaker per target ({@code provider,model}): a target that could not be reached, timed out or answered
 * 408, 429 or 5xx is skipped by later requests for the cooldown, so they go straight to a fallback instead of waiting
 * for the same failure again. A target that answers is trusted again at once.
 *
 * <p>A provider without keys of its own is called with each client's key, and a 429 there is that key's rate limit,
 * not the target's: it cools the target for that caller only ({@link #rateLimited}), so one client's exhausted key
 * does not send every other client to a fallback.
 */
public final class TargetCooldowns {
    /** Callers' cooldowns kept at most; beyond it the ended ones go, then all (a cooldown only saves a wasted call). */
    static final int MAX_CALLER_COOLDOWNS = 4096;

    private final Duration cooldown;
    private final Clock clock;
    private final Map<String, Instant> coolingUntil = new ConcurrentHashMap<>();
    /** Keyed by the target's label and the forwarded key: held in memory only, never written anywhere. */
    private final Map<CallerTarget, Instant> coolingForCaller = new ConcurrentHashMap<>();

    private record CallerTarget(String label, String callerKey) {
    }

    public TargetCooldowns(Duration cooldown, Clock clock) {
        this.cooldown = cooldown;
        this.clock = clock;
    }

    /**
     * The targets worth trying now, in the route's order: those not cooling down. When every one is cooling, the
     * first alone: a request is never refused without trying anything.
     */
    public List<Candidate> usable(List<Candidate> targets) {
        return usable(targets, null);
    }

    /**
     * The targets worth trying now for a caller whose key is forwarded ({@code callerKey}; null when the providers'
     * own keys are used): those cooling neither for everyone nor for that key.
     */
    public List<Candidate> usable(List<Candidate> targets, String callerKey) {
        boolean callerCooling = callerKey != null && !coolingForCaller.isEmpty();
        if (coolingUntil.isEmpty() && !callerCooling) { // the usual case: no stream, list, label or clock per request
            return targets;
        }
        Instant now = clock.instant();
        List<Candidate> ready = targets.stream()
                .filter(target -> !cooling(coolingUntil, target.label(), now))
                .filter(target -> !callerCooling
                        || !cooling(coolingForCaller, new CallerTarget(target.label(), callerKey), now))
                .toList();
        return ready.isEmpty() ? List.of(targets.getFirst()) : ready;
    }

    /** The target failed before answering: skip it for the cooldown. */
    public void failed(Candidate target) {
        coolingUntil.put(target.label(), clock.instant().plus(cooldown));
    }

    /** The target refused this caller's forwarded key with 429: skip it for that caller, for the cooldown. */
    public void rateLimited(Candidate target, String callerKey) {
        Instant now = clock.instant();
        if (coolingForCaller.size() >= MAX_CALLER_COOLDOWNS) {
            coolingForCaller.values().removeIf(until -> !now.isBefore(until));
            if (coolingForCaller.size() >= MAX_CALLER_COOLDOWNS) {
                coolingForCaller.clear();
            }
        }
        coolingForCaller.put(new CallerTarget(target.label(), callerKey), now.plus(cooldown));
    }

    /** The target answered (this caller, when its key was forwarded): trust it again. */
    public void answered(Candidate target, String callerKey) {
        if (!coolingUntil.isEmpty()) {
            coolingUntil.remove(target.label());
        }
        if (callerKey != null && !coolingForCaller.isEmpty()) {
            coolingForCaller.remove(new CallerTarget(target.label(), callerKey));
        }
    }

    /** The target answered: trust it again. */
    public void answered(Candidate target) {
        answered(target, null);
    }

    /**
     * Takes over {@code previous}'s cooldowns (the router's before a reload) of the targets whose provider is still
     * the same ({@code keep} says which by name): a target that failed is not tried again because an unrelated
     * setting changed, and one whose provider changed or went is tried afresh.
     */
    void carryFrom(TargetCooldowns previous, Predicate<String> keep) {
        // a cooldown made shorter by the reload shortens those under way: they are the cooldown's length, nothing else
        Instant latest = clock.instant().plus(cooldown);
        previous.coolingUntil.forEach((label, until) -> {
            if (keep.test(providerOf(label))) {
                coolingUntil.put(label, until.isAfter(latest) ? latest : until);
            }
        });
        previous.coolingForCaller.forEach((caller, until) -> {
            if (keep.test(providerOf(caller.label()))) {
                coolingForCaller.put(caller, until.isAfter(latest) ? latest : until);
            }
        });
    }

    /** The provider's name in a target's label, {@code provider,model}: a provider's name holds no comma. */
    static String providerOf(String label) {
        return label.substring(0, label.indexOf(','));
    }

    private static <K> boolean cooling(Map<K, Instant> coolingUntil, K key, Instant now) {
        Instant until = coolingUntil.get(key);
        if (until == null) {
            return false;
        }
        if (!now.isBefore(until)) {
            coolingUntil.remove(key, until);
            return false;
        }
        return true;
    }
}
