package dev.ccrouter.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code routes:} section, after claude-code-router's {@code Router}. Every target is written
 * {@code provider,model}; null slots fall through to {@code default}.
 *
 * @param defaultRoute         where everything else goes; null: the Claude family mapping on the default provider
 * @param background           Claude Code's haiku-family background calls
 * @param think                requests that ask for thinking with a budget
 * @param longContext          requests whose token estimate exceeds {@code longContextThreshold}
 * @param longContextThreshold estimated input tokens above which {@code longContext} is used
 * @param webSearch            requests that carry a {@code web_search} server tool
 * @param image                requests whose latest user turn holds an image
 * @param fallbacks            for a target, the targets to try next, in order, before the first byte reaches the client
 * @param cooldownSeconds      how long a target that failed is skipped, and a provider key that was refused (401/429
 *                             without {@code retry-after}) rests; null: {@value #DEFAULT_COOLDOWN_SECONDS}
 */
public record RouteSettings(@JsonProperty("default") String defaultRoute,
                            String background,
                            String think,
                            String longContext,
                            int longContextThreshold,
                            String webSearch,
                            String image,
                            Map<String, List<String>> fallbacks,
                            Integer cooldownSeconds) {

    public RouteSettings {
        fallbacks = fallbacks == null ? Map.of() : fallbacks;
    }

    public static final int DEFAULT_LONG_CONTEXT_THRESHOLD = 60_000;
    public static final int DEFAULT_COOLDOWN_SECONDS = 30;

    public static final RouteSettings NONE =
            new RouteSettings(null, null, null, null, DEFAULT_LONG_CONTEXT_THRESHOLD, null, null, Map.of());

    /** Routes with the default cooldown. */
    public RouteSettings(String defaultRoute, String background, String think, String longContext,
                         int longContextThreshold, String webSearch, String image, Map<String, List<String>> fallbacks) {
        this(defaultRoute, background, think, longContext, longContextThreshold, webSearch, image, fallbacks,
                DEFAULT_COOLDOWN_SECONDS);
    }

    /** Each route slot by its setting name ({@code default}, {@code background}, …), in the table's order; unset: null. */
    public Map<String, String> slots() {
        Map<String, String> slots = new LinkedHashMap<>();
        slots.put("default", defaultRoute);
        slots.put("background", background);
        slots.put("think", think);
        slots.put("long_context", longContext);
        slots.put("web_search", webSearch);
        slots.put("image", image);
        return Collections.unmodifiableMap(slots);
    }

    /**
     * Every {@code provider,model} the routes name: the slots' targets, then each fallback chain's target and its
     * fallbacks, in the settings' order (unset slots left out). Without a default route the family mapping also takes
     * requests, which this list does not name.
     */
    public List<String> targets() {
        List<String> targets = new ArrayList<>();
        for (String target : slots().values()) {
            if (target != null) {
                targets.add(target);
            }
        }
        fallbacks.forEach((target, chain) -> {
            targets.add(target);
            targets.addAll(chain);
        });
        return targets;
    }

    /** How long a failed target is skipped and a refused key rests. */
    public Duration cooldown() {
        return Duration.ofSeconds(cooldownSeconds != null ? cooldownSeconds : DEFAULT_COOLDOWN_SECONDS);
    }

    public RouteSettings withCooldown(Duration value) {
        return new RouteSettings(defaultRoute, background, think, longContext, longContextThreshold, webSearch, image,
                fallbacks, Math.toIntExact(value.toSeconds()));
    }
}
