package dev.ccrouter.route;

import dev.ccrouter.route.RouteDecision.Candidate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A circuit breaker per target ({@code provider,model}): a target that could not be reached, timed out or answered
 * 408, 429 or 5xx is skipped by later requests for the cooldown, so they go straight to a fallback instead of waiting
 * for the same failure again. A target that answers is trusted again at once.
 */
public final class TargetCooldowns {
    private final Duration cooldown;
    private final Clock clock;
    private final Map<String, Instant> coolingUntil = new ConcurrentHashMap<>();

    public TargetCooldowns(Duration cooldown, Clock clock) {
        this.cooldown = cooldown;
        this.clock = clock;
    }

    /**
     * The targets worth trying now, in the route's order: those not cooling down. When every one is cooling, the
     * first alone: a request is never refused without trying anything.
     */
    public List<Candidate> usable(List<Candidate> targets) {
        if (coolingUntil.isEmpty()) { // the usual case: no stream, list, label or clock per request
            return targets;
        }
        Instant now = clock.instant();
        List<Candidate> ready = targets.stream().filter(target -> !cooling(target, now)).toList();
        return ready.isEmpty() ? List.of(targets.getFirst()) : ready;
    }

    /** The target failed before answering: skip it for the cooldown. */
    public void failed(Candidate target) {
        coolingUntil.put(target.label(), clock.instant().plus(cooldown));
    }

    /** The target answered: trust it again. */
    public void answered(Candidate target) {
        if (!coolingUntil.isEmpty()) {
            coolingUntil.remove(target.label());
        }
    }

    private boolean cooling(Candidate target, Instant now) {
        Instant until = coolingUntil.get(target.label());
        if (until == null) {
            return false;
        }
        if (!now.isBefore(until)) {
            coolingUntil.remove(target.label(), until);
            return false;
        }
        return true;
    }
}
