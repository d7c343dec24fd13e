package dev.ccrouter.testing;

import dev.ccrouter.config.RouteSettings;
import java.util.Map;

/** Route settings for tests. */
public final class Routes {
    private Routes() {
    }

    /** Every request to {@code target} ({@code provider,model}): no other route, no fallbacks. */
    public static RouteSettings to(String target) {
        return new RouteSettings(target, null, null, null, RouteSettings.DEFAULT_LONG_CONTEXT_THRESHOLD, null, null,
                Map.of());
    }
}
