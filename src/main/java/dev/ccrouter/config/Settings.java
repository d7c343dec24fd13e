package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one table of settings. It drives the environment and flag overrides ({@link ConfigLoader}), the checks and their
 * messages ({@link ConfigValidator}), {@code ccrouter config settings} and the README's table ({@link #markdown()}).
 */
public final class Settings {
    /** Maps whose keys the user chooses, and what the table calls such a key. */
    static final Map<String, String> FREE_KEYS = Map.of(
            "max_output_tokens", "<model>",
            "providers[].models", "<model>",
            "routes.fallbacks", "<target>",
            "prices", "<target>");

    private static final Rule SECONDS_TO_AN_HOUR = new Rule.WholeNumber(1, 3600);
    /** Bound as an int: a larger number is refused by the range it is told, not "at least 1, got 99999999999". */
    private static final Rule POSITIVE = new Rule.WholeNumber(1, Integer.MAX_VALUE);
    private static final Rule MODEL = new Rule.Text();
    private static final Rule TARGET = new Rule.Target();

    static final List<Setting> ALL = List.of(
            new Setting("server.host", "CCROUTER_HOST", "--host", new Rule.Host(), null, "listen address"),
            new Setting("server.port", "CCROUTER_PORT", "--port", new Rule.WholeNumber(0, 65535), null,
                    "listen port; 0 picks a free one"),
            // a body is held in one array: beyond the largest one, a declared length overflowed its int
            new Setting("server.max_body_bytes", null, null, new Rule.WholeNumber(1024, Integer.MAX_VALUE - 8), null,
                    "largest request body; larger ones get 413 `request_too_large`"),
            new Setting("server.public_url", "CCROUTER_PUBLIC_URL", null, new Rule.PublicUrl(), "from the request",
                    "the URL users reach this instance at, shown in the landing page and written into `/install.sh`"),
            new Setting("server.header_timeout_seconds", null, null, SECONDS_TO_AN_HOUR, null,
                    "a request head must arrive within this of its first byte (else 408, and the connection closes)"),
            new Setting("server.body_timeout_seconds", null, null, new Rule.WholeNumber(1, 86400), null,
                    "a request body must arrive within this (else 408); a client must take each write of its answer "
                            + "within it too (else the connection is closed)"),
            new Setting("server.idle_timeout_seconds", null, null, new Rule.WholeNumber(1, 86400), null,
                    "a keep-alive connection with no request is closed after this"),
            new Setting("server.max_connections", null, null, new Rule.WholeNumber(1, 1_000_000), null,
                    "client connections in all (503 beyond, except `GET /health`, answered then closed; lowered to fit "
                            + "the descriptor limit)"),
            new Setting("server.max_connections_per_client", null, null, new Rule.WholeNumber(1, 1_000_000), null,
                    "connections from one address (429 beyond); a proxy in `server.trusted_proxies` is bounded by "
                            + "`server.max_connections` only"),
            new Setting("server.trusted_proxies[]", "CCROUTER_TRUSTED_PROXIES", null, new Rule.AddressOrRange(), "none",
                    "addresses or CIDR ranges whose `X-Forwarded-*` headers are believed (comma-separated in the "
                            + "environment)"),
            new Setting("server.cors_origins[]", "CCROUTER_CORS_ORIGINS", null, new Rule.Origin(), "none",
                    "origins allowed to call from a browser (CORS; comma-separated in the environment)"),
            new Setting("server.shutdown_grace_seconds", "CCROUTER_SHUTDOWN_GRACE_SECONDS", null,
                    new Rule.WholeNumber(0, 3600), null,
                    "on SIGTERM, requests in flight get this long to finish before they are cut off"),
            new Setting("upstream.base_url", "OPENROUTER_BASE_URL", "--upstream", new Rule.HttpUrl(), null,
                    "base URL of the implicit `openrouter` provider; `/chat/completions` and `/models` hang off it"),
            new Setting("upstream.connect_timeout_seconds", null, null, SECONDS_TO_AN_HOUR, null,
                    "time to open a connection to a provider, its TLS handshake included"),
            new Setting("upstream.read_timeout_seconds", null, null, new Rule.WholeNumber(1, 86400), null,
                    "longest silence tolerated from a provider: no byte of its answer, or none of a request body taken"),
            new Setting("upstream.http_referer", null, null, new Rule.OptionalText(), null,
                    "sent as `HTTP-Referer` (OpenRouter app attribution)"),
            new Setting("upstream.title", null, null, new Rule.OptionalText(), null, "sent as `X-Title`"),
            new Setting("models.haiku", "CCROUTER_MODEL_HAIKU", null, MODEL, null,
                    "upstream model for `*haiku*` names (Claude Code's background model)"),
            new Setting("models.sonnet", "CCROUTER_MODEL_SONNET", null, MODEL, null,
                    "upstream model for `*sonnet*` names"),
            new Setting("models.opus", "CCROUTER_MODEL_OPUS", null, MODEL, null,
                    "upstream model for `*opus*` names (Claude Code's default) and the larger `*fable*` and `*mythos*`"),
            new Setting("max_output_tokens.<model>", null, null, POSITIVE, "a few models, see defaults.yaml",
                    "`max_tokens` above it is clamped for that upstream model"),
            new Setting("stream.ping_interval_seconds", null, null, SECONDS_TO_AN_HOUR, null,
                    "an `event: ping` goes to a streaming client after this much silence"),
            new Setting("stream.early_start_seconds", null, null, new Rule.WholeNumber(0, 3600), null,
                    "a streaming request whose provider has not answered within this gets its stream started "
                            + "(`message_start`, pings); later failures then arrive as `event: error`. 0: wait"),
            new Setting("pricing.refresh_minutes", null, null, new Rule.WholeNumber(0, 7 * 24 * 60), null,
                    "how often `<upstream>/models` is fetched for prices; 0 never fetches"),
            new Setting("data_dir", "CCROUTER_DATA_DIR", "--data-dir", new Rule.FilePath(), null,
                    "where the gateway keeps its files"),
            new Setting("auth.keys", null, null,
                    new Rule.Structure("a list of keys, or of mappings {name, key, budget_usd_per_day, "
                            + "budget_usd_per_month, requests_per_minute, tokens_per_minute}"), "none: open",
                    "when set, clients must present one (x-api-key or Bearer) and providers use their own keys"),
            new Setting("auth.keys[].key", null, null, new Rule.Secret(), null, "the key a client presents"),
            new Setting("auth.keys[].name", null, null, new Rule.Name(), "a short hash of the key",
                    "the key's name in logs and the ledger"),
            new Setting("auth.keys[].budget_usd_per_day", null, null, new Rule.Amount(), "no limit",
                    "spending allowed per UTC day"),
            new Setting("auth.keys[].budget_usd_per_month", null, null, new Rule.Amount(), "no limit",
                    "spending allowed per calendar month"),
            new Setting("auth.keys[].requests_per_minute", null, null, POSITIVE, "no limit", "request rate limit"),
            new Setting("auth.keys[].tokens_per_minute", null, null, POSITIVE, "no limit", "token rate limit"),
            new Setting("auth.admin_keys[]", null, null, new Rule.Secret(), "none",
                    "keys that open the dashboard and metrics from other than loopback"),
            new Setting("providers[].name", null, null, new Rule.Name(), null,
                    "how routes name the provider (`name,model`); unique"),
            new Setting("providers[].preset", null, null, new Rule.OneOf(Presets.NAMES), Presets.DEFAULT,
                    "built-in base URL, auth style and capabilities"),
            new Setting("providers[].base_url", null, null, new Rule.HttpUrl(), "the preset's",
                    "where `/chat/completions` hangs off; required with `openai-compatible`; a host may be a Docker "
                            + "Compose service name with an underscore (`http://llama_cpp:8080/v1`); a query it carries "
                            + "(`?api-version=…`) follows the endpoint's path"),
            new Setting("providers[].api_keys[]", null, null, new Rule.Secret(), "the client's key is forwarded",
                    "the provider's own keys, used in turn"),
            new Setting("providers[].protocol", null, null, new Rule.OneOf(List.of("openai", "anthropic")),
                    "the preset's", "`anthropic` forwards Messages requests untranslated"),
            new Setting("providers[].auth", null, null, new Rule.OneOf(ProviderSettings.AUTH_STYLES), "the preset's",
                    "how a key goes: `Authorization: Bearer`, an `x-api-key` or `api-key` header, or not at all"),
            new Setting("providers[].models.<model>.max_output_tokens", null, null, POSITIVE, "the preset's",
                    "`max_tokens` above it is clamped"),
            new Setting("providers[].models.<model>.context_window", null, null, POSITIVE, "the preset's",
                    "requests estimated above it are refused before any call"),
            new Setting("providers[].models.<model>.images", null, null, new Rule.TrueOrFalse(), "the preset's",
                    "whether the model takes image input"),
            new Setting("providers[].models.<model>.pdfs", null, null, new Rule.TrueOrFalse(), "the preset's",
                    "whether the provider takes PDFs for the model; off, each PDF becomes a note"),
            new Setting("providers[].models.<model>.cache_control", null, null, new Rule.TrueOrFalse(),
                    "the preset's", "whether `cache_control` markers are forwarded"),
            new Setting("providers[].models.<model>.schema_keywords_to_strip[]", null, null, new Rule.Text(),
                    "the preset's", "JSON-Schema keywords removed from tool parameters, instead of the preset's "
                            + "(an empty list keeps the preset's)"),
            new Setting("providers[].models.<model>.think_opened_in_prompt", null, null, new Rule.TrueOrFalse(), "off",
                    "the model's chat template opens `<think>` in the prompt: its content is reasoning up to "
                            + "`</think>` (a server without a reasoning parser)"),
            new Setting("routes.default", null, null, TARGET, "the Claude family mapping on `openrouter`",
                    "where everything else goes"),
            new Setting("routes.background", null, null, TARGET, "`default`", "Claude Code's haiku background calls"),
            new Setting("routes.think", null, null, TARGET, "`default`", "requests asking for thinking with a budget"),
            new Setting("routes.long_context", null, null, TARGET, "`default`",
                    "requests estimated above `long_context_threshold`"),
            new Setting("routes.long_context_threshold", null, null, POSITIVE, null,
                    "estimated input tokens above which `long_context` is used"),
            new Setting("routes.web_search", null, null, TARGET, "`default`",
                    "requests carrying a `web_search` server tool"),
            new Setting("routes.image", null, null, TARGET, "`default`", "requests whose latest user turn has an image"),
            new Setting("routes.fallbacks.<target>[]", null, null, TARGET, "none",
                    "targets tried in order when the target fails before the first byte"),
            new Setting("routes.cooldown_seconds", null, null, POSITIVE, null,
                    "how long a target that failed is skipped, and a refused provider key rests"),

            new Setting("prices.<target>.input", null, null, new Rule.Amount(), "the catalog's, else none",
                    "USD per million uncached input tokens of that `provider,model`"),
            new Setting("prices.<target>.output", null, null, new Rule.Amount(), "the catalog's, else none",
                    "USD per million output tokens"),
            new Setting("prices.<target>.cache_read", null, null, new Rule.Amount(), "the catalog's, else none",
                    "USD per million input tokens read from the prompt cache"),
            new Setting("prices.<target>.cache_write_5m", null, null, new Rule.Amount(), "the catalog's, else none",
                    "USD per million input tokens written to a 5-minute cache"),
            new Setting("prices.<target>.cache_write_1h", null, null, new Rule.Amount(), "the catalog's, else none",
                    "USD per million input tokens written to a 1-hour cache"),
            new Setting("prices.<target>.request", null, null, new Rule.Amount(), "none", "USD per request"),
            new Setting("operator.name", "CCROUTER_OPERATOR_NAME", null, new Rule.OptionalText(), "not named",
                    "who runs this instance, named on its web pages"),
            new Setting("operator.contact", "CCROUTER_OPERATOR_CONTACT", null, new Rule.OptionalText(), "none",
                    "an e-mail address or https:// URL to reach them"),
            new Setting("operator.source_url", "CCROUTER_SOURCE_URL", null, new Rule.OptionalText(), null,
                    "where the code this instance runs can be read"),
            new Setting("ledger.enabled", null, null, new Rule.TrueOrFalse(), null,
                    "keep one row per request (what `ccrouter usage`, the status line and the dashboard read)"),
            new Setting("ledger.url", "CCROUTER_LEDGER_URL", null, new Rule.JdbcUrl(), "SQLite `<data_dir>/ledger.db`",
                    "`jdbc:postgresql://host/db?user=…&password=…` to share one ledger between instances"),
            new Setting("ledger.queue_size", null, null, new Rule.WholeNumber(1, 10_000_000), null,
                    "rows waiting for the database at most; beyond it rows are dropped and counted"),
            new Setting("ledger.batch_interval_ms", null, null, new Rule.WholeNumber(10, 60_000), null,
                    "rows reach the database at least this often (a `kill -9` loses at most this much)"));

    private Settings() {
    }

    /** The row for a concrete path such as {@code providers[1].api_keys[0]}, if the table has one. */
    static Optional<Setting> forPath(ConfigPath path) {
        String pattern = path.pattern();
        return ALL.stream().filter(setting -> setting.path().equals(pattern)).findFirst();
    }

    /** Whether a value found at this path may be shown in a message: not a key, nor a list of keys. */
    static boolean mayShow(ConfigPath path) {
        String pattern = path.pattern();
        if (pattern.equals("auth.keys") || pattern.equals("auth.keys[]")) {
            return false; // a key written where the list, or a key's mapping, belongs
        }
        return forPath(path).or(() -> forPath(path.index(0))).map(setting -> setting.rule().echoesValue())
                .orElse(true);
    }

    /** The README's settings table. */
    public static String markdown() {
        JsonNode defaults = DefaultSettings.tree();
        StringBuilder table = new StringBuilder("""
                | setting | environment | flag | valid values | default | meaning |
                |---|---|---|---|---|---|
                | — | `CCROUTER_CONFIG` | `--config` | a YAML file, or a claude-code-router `config.json` | none | the settings file |
                """);
        for (Setting setting : ALL) {
            table.append("| `").append(setting.path()).append("` | ")
                    .append(code(setting.env())).append(" | ")
                    .append(code(setting.flag())).append(" | ")
                    .append(setting.rule().valid().replace("|", "\\|")).append(" | ")
                    .append(defaultOf(setting, defaults).map(value -> "`" + value + "`")
                            .orElseGet(() -> setting.defaultText() == null ? "—" : setting.defaultText()))
                    .append(" | ")
                    .append(setting.meaning()).append(" |\n");
        }
        return table.toString();
    }

    /** {@code ccrouter config settings}: the same table for a terminal, one block per setting. */
    public static String text() {
        JsonNode defaults = DefaultSettings.tree();
        StringBuilder text = new StringBuilder();
        for (Setting setting : ALL) {
            text.append(setting.path());
            List<String> overrides = new ArrayList<>();
            if (setting.env() != null) {
                overrides.add(setting.env());
            }
            if (setting.flag() != null) {
                overrides.add(setting.flag());
            }
            if (!overrides.isEmpty()) {
                text.append("  (").append(String.join(", ", overrides)).append(")");
            }
            text.append("\n    ").append(setting.meaning().replace("`", ""))
                    .append("\n    valid: ").append(setting.rule().valid())
                    .append("; default: ").append(defaultOf(setting, defaults)
                            .orElseGet(() -> setting.defaultText() == null ? "none" : setting.defaultText())
                            .replace("`", ""))
                    .append('\n');
        }
        return text.toString();
    }

    private static Optional<String> defaultOf(Setting setting, JsonNode defaults) {
        JsonNode node = ConfigPath.parse(setting.path()).find(defaults);
        return node != null && node.isValueNode() && !node.asText().isEmpty()
                ? Optional.of(node.asText()) : Optional.empty();
    }

    private static String code(String name) {
        return name == null ? "—" : "`" + name + "`";
    }
}
