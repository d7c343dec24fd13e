package dev.ccrouter.config;

import com.fasterxml.jackson.annotation.JsonProperty;
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
 */
public record RouteSettings(@JsonProperty("default") String defaultRoute,
                            String background,
                            String think,
                            String longContext,
                            int longContextThreshold,
                            String webSearch,
                            String image,
                            Map<String, List<String>> fallbacks) {

    public RouteSettings {
        fallbacks = fallbacks == null ? Map.of() : fallbacks;
    }

    public static final int DEFAULT_LONG_CONTEXT_THRESHOLD = 60_000;

    public static final RouteSettings NONE =
            new RouteSettings(null, null, null, null, DEFAULT_LONG_CONTEXT_THRESHOLD, null, null, Map.of());
}
