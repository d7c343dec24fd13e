package dev.ccrouter.cli;

import dev.ccrouter.config.AuthSettings;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The environment {@code ccrouter code} gives Claude Code: the caller's, pointed at the local gateway.
 *
 * <ul>
 *   <li>{@code ANTHROPIC_BASE_URL} is the gateway.</li>
 *   <li>The key goes in {@code ANTHROPIC_AUTH_TOKEN} (sent as {@code Authorization: Bearer}, which Claude Code uses
 *       without asking) and {@code ANTHROPIC_API_KEY} is emptied: Claude Code must not send both.</li>
 *   <li>The model variables are removed, so Claude Code asks for its own Claude names and the gateway's mapping
 *       ({@code CCROUTER_MODEL_OPUS/SONNET/HAIKU}) decides what they mean. They may have been set for another
 *       provider (the installer writes Moonshot ids there), which the gateway's upstream would not know;
 *       {@code --model} still picks a model for one run.</li>
 * </ul>
 */
final class ClaudeEnvironment {
    static final String NO_KEY = "no API key: export OPENROUTER_API_KEY=sk-or-… (or ANTHROPIC_AUTH_TOKEN / "
            + "ANTHROPIC_API_KEY) and run this again";
    /**
     * What Claude Code sends as its key when the routes need none of the client's (each provider has its own keys, or
     * is a local server that takes none): Claude Code will not start without one, and the gateway forwards it nowhere.
     */
    static final String NO_KEY_NEEDED = "no-key-needed";
    static final List<String> MODEL_VARIABLES = List.of("ANTHROPIC_MODEL", "ANTHROPIC_DEFAULT_FABLE_MODEL",
            "ANTHROPIC_DEFAULT_OPUS_MODEL", "ANTHROPIC_DEFAULT_SONNET_MODEL", "ANTHROPIC_DEFAULT_HAIKU_MODEL",
            "ANTHROPIC_SMALL_FAST_MODEL");
    private static final List<String> KEY_VARIABLES = List.of("OPENROUTER_API_KEY", "ANTHROPIC_AUTH_TOKEN",
            "ANTHROPIC_API_KEY");
    /** Where a gateway key is looked for: Claude Code's own variables first, as they name a key for it. */
    private static final List<String> GATEWAY_KEY_VARIABLES = List.of("ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_API_KEY",
            "OPENROUTER_API_KEY");

    private ClaudeEnvironment() {
    }

    /** The upstream key: {@code OPENROUTER_API_KEY}, else one Claude Code itself would have used. */
    static Optional<String> key(Map<String, String> env) {
        for (String name : KEY_VARIABLES) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value.strip());
            }
        }
        return Optional.empty();
    }

    /**
     * Behind {@code auth.keys}, which refuses any other key: the first of the variables Claude Code's key may come
     * from that holds one of the gateway's keys.
     */
    static Optional<String> gatewayKey(Map<String, String> env, AuthSettings auth) {
        Set<String> keys = auth.keys().stream().map(AuthSettings.ClientKey::key).collect(Collectors.toSet());
        for (String name : GATEWAY_KEY_VARIABLES) {
            String value = env.get(name);
            if (value != null && keys.contains(value.strip())) {
                return Optional.of(value.strip());
            }
        }
        return Optional.empty();
    }

    static String noGatewayKey(Map<String, String> env) {
        return "this gateway takes only its own keys (auth.keys in " + env.get("CCROUTER_CONFIG") + "), and none is in "
                + "ANTHROPIC_AUTH_TOKEN, ANTHROPIC_API_KEY or OPENROUTER_API_KEY: export ANTHROPIC_AUTH_TOKEN=<one of "
                + "them> and run this again";
    }

    static Map<String, String> forGateway(Map<String, String> inherited, URI gateway, String key) {
        Map<String, String> env = new HashMap<>(inherited);
        MODEL_VARIABLES.forEach(env::remove);
        env.put("ANTHROPIC_BASE_URL", gateway.toString());
        env.put("ANTHROPIC_AUTH_TOKEN", key);
        env.put("ANTHROPIC_API_KEY", "");
        return env;
    }
}
