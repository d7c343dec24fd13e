package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.config.AuthSettings;
import dev.ccrouter.config.AuthSettings.ClientKey;
import dev.ccrouter.config.LedgerSettings;
import dev.ccrouter.ledger.LedgerDatabase;
import dev.ccrouter.ledger.LedgerEntry;
import dev.ccrouter.ledger.LedgerStore;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The budgets and rate limits of the gateway's named keys ({@code auth.keys}), checked before a request goes
 * upstream. Nothing here waits for a database: a request reads figures already in memory.
 *
 * <ul>
 *   <li>Budgets ({@code budget_usd_per_day}, {@code budget_usd_per_month}) compare the key's spend in the current
 *       UTC day and calendar month. This instance adds each request's cost as it finishes, and every
 *       {@link #REFRESH} a background thread reads the key's spend from the ledger; with several instances on one
 *       PostgreSQL that is how each learns what the others spent, so they stop at the budget together, give or take
 *       the requests in flight and one refresh. A request is admitted while the spend is below the budget: the one
 *       that crosses it finishes, the next is refused with 402 {@code billing_error}.</li>
 *   <li>Rates ({@code requests_per_minute}, {@code tokens_per_minute}) are sliding one-minute windows kept in this
 *       instance's memory only: with N replicas a key may use up to N times its rate. Tokens count when a request
 *       finishes (input, output, cache reads and writes); a request is admitted while the minute's tokens are below
 *       the limit. Over a rate: 429 {@code rate_limit_error} with {@code retry-after} and {@code retry-after-ms}.</li>
 * </ul>
 */
final class SpendingLimits implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SpendingLimits.class);
    /** The longest {@code retry-after-ms} Anthropic's TypeScript SDK obeys (it wants less than a minute). */
    private static final long MAX_RETRY_AFTER_MILLIS = 59_999;
    /** How often spend is read back from the ledger. */
    static final Duration REFRESH = Duration.ofSeconds(2);

    private final LedgerStore ledger;
    /** The ledger's settings: the URL whose password the warning of a failed read leaves out. */
    private final LedgerSettings ledgerSettings;
    private final Clock clock;
    private final ScheduledExecutorService refresher;
    /** The configured keys by ledger id (name, else short hash); swapped whole on a reload. */
    private volatile Map<String, ClientKey> keys = Map.of();
    private volatile ClientKeyNames names = ClientKeyNames.none();
    private final Map<String, KeySpend> spend = new ConcurrentHashMap<>();
    private final Map<String, SlidingMinute> requests = new ConcurrentHashMap<>();
    private final Map<String, SlidingMinute> tokens = new ConcurrentHashMap<>();
    /** Targets already said to leave budgets nothing to count; bounded, as clients choose model names. */
    private final Set<String> uncountedTargets = ConcurrentHashMap.newKeySet();
    private static final int MAX_UNCOUNTED_TARGETS = 256;
    /** The last refresh could not read the ledger (so far said once); only the refreshing thread sets it. */
    private volatile boolean unreadable;

    /**
     * @param ledger         where spend is read back from; null: this instance's own spend only
     * @param ledgerSettings that ledger's settings; null without one
     */
    SpendingLimits(LedgerStore ledger, LedgerSettings ledgerSettings, Clock clock) {
        this.ledger = ledger;
        this.ledgerSettings = ledgerSettings;
        this.clock = clock;
        this.refresher = ledger == null ? null : Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("ccrouter-budgets").factory());
    }

    /** Takes the keys of a (re)loaded configuration; spend and windows of keys that stay are kept. */
    void configure(AuthSettings auth) {
        Map<String, ClientKey> byId = new HashMap<>();
        for (ClientKey key : auth.keys()) {
            byId.put(ClientKeyNames.idOf(key), key);
        }
        keys = Map.copyOf(byId);
        names = ClientKeyNames.of(auth);
    }

    /** Reads the spend once now (at start, before the first request), then every {@link #REFRESH}. */
    void start() {
        if (refresher == null) {
            return;
        }
        refresh();
        refresher.scheduleWithFixedDelay(this::refresh, REFRESH.toMillis(), REFRESH.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Admits a request with this key (as presented), or refuses it with the error to answer.
     *
     * @throws ClientAuth.Refused over a budget (402) or a rate (429, with {@code retry-after})
     */
    void admit(String presentedKey) throws ClientAuth.Refused {
        if (presentedKey == null) {
            return;
        }
        String id = names.idOf(presentedKey);
        ClientKey key = keys.get(id);
        if (key == null) {
            return;
        }
        Instant now = clock.instant();
        checkBudgets(id, key, now);
        if (key.tokensPerMinute() != null) {
            long wait = tokens.computeIfAbsent(id, k -> new SlidingMinute())
                    .waitMillis(now.toEpochMilli(), key.tokensPerMinute());
            refuseAfter(wait, name(key, id) + " may use " + key.tokensPerMinute() + " tokens per minute");
        }
        if (key.requestsPerMinute() != null) {
            long wait = requests.computeIfAbsent(id, k -> new SlidingMinute())
                    .take(now.toEpochMilli(), key.requestsPerMinute(), 1);
            refuseAfter(wait, name(key, id) + " may send " + key.requestsPerMinute() + " requests per minute");
        }
    }

    /** Counts a finished request's cost and tokens against its key (a sink of {@link LedgerEntries}). */
    void record(LedgerEntry entry) {
        String id = entry.clientKeyId();
        ClientKey key = id == null ? null : keys.get(id);
        if (key == null) {
            return;
        }
        // Where the gateway has no price for the model (not in the catalog yet, a provider without prices), what
        // the upstream said it charged is still spent.
        BigDecimal cost = entry.spend().computed() != null ? entry.spend().computed() : entry.spend().charged();
        if (cost != null && cost.signum() > 0) {
            Instant now = clock.instant();
            spend.compute(id, (k, known) -> (known == null ? KeySpend.none(now) : known).plus(cost, entry.time(), now));
        } else if (cost == null && hasBudget(key) && entry.tokens().total() > 0 && !entry.tokens().estimated()) {
            sayUncounted(entry, key, id);
        }
        if (key.tokensPerMinute() != null) {
            LedgerEntry.Tokens used = entry.tokens();
            tokens.computeIfAbsent(id, k -> new SlidingMinute()).add(clock.millis(),
                    used.input() + used.output() + used.cacheRead() + used.cacheWrite5m() + used.cacheWrite1h());
        }
    }

    private static boolean hasBudget(ClientKey key) {
        return key.budgetUsdPerDay() != null || key.budgetUsdPerMonth() != null;
    }

    /**
     * A target without prices (a direct provider without {@code prices:}) whose provider reports no cost leaves a
     * budget nothing to count, so a budgeted key spends there without limit: said once per target, else the admin
     * believes the budget holds.
     */
    private void sayUncounted(LedgerEntry entry, ClientKey key, String id) {
        String target = entry.provider() + "," + entry.upstreamModel();
        if (uncountedTargets.size() < MAX_UNCOUNTED_TARGETS && uncountedTargets.add(target)) {
            LOG.warn("budgets cannot count what {} spends on {}: the target has no prices and its provider reported "
                    + "no cost (set prices for {} under prices: in the configuration)", name(key, id), target, target);
        }
    }

    /**
     * Reads every budgeted key's spend in this day and month from the ledger (on the background thread). While the
     * database is away the keys keep the figures they have, and that is said once, as its end is: not once per key
     * and refresh for as long as the outage lasts.
     */
    void refresh() {
        for (Map.Entry<String, ClientKey> configured : keys.entrySet()) {
            if (!hasBudget(configured.getValue())) {
                continue;
            }
            try {
                read(configured.getKey());
            } catch (SQLException | RuntimeException e) { // the next refresh tries again
                if (!unreadable) {
                    unreadable = true;
                    // in the driver's words as the ledger's opening says them: a driver may quote the URL, password
                    // and all, or the user information before its host
                    LOG.warn("could not read the budgeted keys' spend from the ledger ({}): they go on with the spend "
                            + "this gateway knows, and the ledger is read again every {} s",
                            LedgerDatabase.why(ledgerSettings, e), REFRESH.toSeconds());
                }
                return; // the database is away for the other keys too: each would wait for it again
            }
        }
        if (unreadable) {
            unreadable = false;
            LOG.warn("read the budgeted keys' spend from the ledger again");
        }
    }

    private void read(String id) throws SQLException {
        KeySpend periods = KeySpend.none(clock.instant());
        KeySpend written = new KeySpend(periods.day(), ledger.keySpentSince(id, periods.day()),
                periods.month(), ledger.keySpentSince(id, periods.month()));
        spend.compute(id, (k, known) -> (known == null ? periods : known.at(clock.instant())).atLeast(written));
    }

    /** The monthly budget first: a key past both gets in again only when the month ends, and is told so. */
    private void checkBudgets(String id, ClientKey key, Instant now) throws ClientAuth.Refused {
        KeySpend known = spend.get(id);
        KeySpend current = known == null ? KeySpend.none(now) : known.at(now);
        if (key.budgetUsdPerMonth() != null && current.monthSpend().compareTo(key.budgetUsdPerMonth()) >= 0) {
            throw overBudget(key, id, current.monthSpend(), key.budgetUsdPerMonth(), "monthly",
                    "the first day of next month (UTC)");
        }
        if (key.budgetUsdPerDay() != null && current.daySpend().compareTo(key.budgetUsdPerDay()) >= 0) {
            throw overBudget(key, id, current.daySpend(), key.budgetUsdPerDay(), "daily", "00:00 UTC");
        }
    }

    private static ClientAuth.Refused overBudget(ClientKey key, String id, BigDecimal spent, BigDecimal budget,
                                                 String period, String resumes) {
        return new ClientAuth.Refused(AnthropicError.of(ErrorType.BILLING, "Budget reached: " + name(key, id)
                + " has spent $" + spent.setScale(4, RoundingMode.HALF_EVEN).toPlainString() + " of its $"
                + budget.toPlainString() + " " + period + " budget (auth.keys); requests resume at " + resumes + "."));
    }

    /**
     * Refuses with the wait in whole seconds ({@code retry-after}) and in milliseconds ({@code retry-after-ms}).
     * Anthropic's TypeScript SDK reads the milliseconds first, and takes a wait of a minute or more as unreasonable,
     * retrying on its own backoff of 0.5 to 8 s instead: right after a burst the window's wait is just under a minute,
     * which rounds up to 60 s, so the milliseconds are kept below a minute.
     */
    private static void refuseAfter(long waitMillis, String limit) throws ClientAuth.Refused {
        if (waitMillis <= 0) {
            return;
        }
        long seconds = Math.max(1, (waitMillis + 999) / 1000);
        throw new ClientAuth.Refused(new AnthropicError(ErrorType.RATE_LIMIT.status(), ErrorType.RATE_LIMIT,
                "Rate limit: " + limit + " (auth.keys); retry in " + seconds + " s.", String.valueOf(seconds)),
                Math.min(waitMillis, MAX_RETRY_AFTER_MILLIS));
    }

    /** How a key is named in messages: its configured name, else its ledger id; never the key. */
    private static String name(ClientKey key, String id) {
        return "key '" + (key.name() != null ? key.name() : id) + "'";
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
    }
}
