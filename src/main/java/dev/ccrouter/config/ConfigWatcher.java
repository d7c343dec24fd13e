package dev.ccrouter.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration file and hands each valid new configuration to a listener; the server swaps it in, and
 * requests in flight finish on the one they started with. An invalid change keeps the old configuration and is
 * reported in one line naming the problem. Changes are debounced: editors write a file in several steps, and one
 * reload follows the last of them. The directory is watched rather than the file, as editors and Kubernetes replace
 * the file instead of writing into it.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
    /** How long the file must be quiet before it is read again. */
    public static final Duration DEBOUNCE = Duration.ofMillis(250);
    /** Links followed at most from the file, as the kernel's own limit on a path's links. */
    private static final int MAX_LINKS = 40;

    private final ConfigLoader loader;
    private final ConfigLoader.Flags flags;
    private final Path file;
    /** Where the file's symlink leads (the file itself when it is none), as of the latest change of the link. */
    private Path target;
    private final Consumer<GatewayConfig> onChange;
    private final Consumer<String> onRejected;
    private final Duration debounce;
    private final WatchService watch;
    private final Thread thread;
    private final AtomicInteger reads = new AtomicInteger();
    private GatewayConfig current;
    /** The ledger's settings as the gateway started with them, or as last noticed changed; null if unreadable. */
    private LedgerSettings ledger;
    private String lastProblem;

    private ConfigWatcher(ConfigLoader loader, ConfigLoader.Flags flags, Path file, ConfigLoader.Loaded current,
                          Consumer<GatewayConfig> onChange, Consumer<String> onRejected, Duration debounce)
            throws IOException {
        this.loader = loader;
        this.flags = flags;
        this.file = file.toAbsolutePath();
        this.current = current.gateway();
        this.ledger = current.ledger();
        this.onChange = onChange;
        this.onRejected = onRejected;
        this.debounce = debounce;
        this.watch = FileSystems.getDefault().newWatchService();
        this.target = target(this.file);
        register(this.file.getParent());
        if (!target.getParent().equals(this.file.getParent())) {
            register(target.getParent()); // a symlink to another directory (a dotfiles checkout) is edited there
        }
        this.thread = Thread.ofPlatform().daemon().name("ccrouter-config-watcher").unstarted(this::run);
    }

    /**
     * Starts watching the file these flags and the loader's environment name; a broken change is logged.
     *
     * @param current  the configuration in use and the ledger's settings, loaded with the same loader and flags
     * @param onChange gets every valid configuration that differs from the one before; it refuses one it cannot
     *                 apply by throwing a {@link ConfigException}, reported like a broken file
     * @return the watcher, to close on shutdown; empty when no configuration file is in use
     */
    public static Optional<ConfigWatcher> start(ConfigLoader loader, ConfigLoader.Flags flags,
                                                ConfigLoader.Loaded current, Consumer<GatewayConfig> onChange)
            throws IOException {
        Optional<Path> file = loader.configFile(flags);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(start(loader, flags, file.get(), current, onChange,
                problem -> LOG.warn("{}", problem), DEBOUNCE));
    }

    /** As {@link #start(ConfigLoader, ConfigLoader.Flags, ConfigLoader.Loaded, Consumer)}, with every part chosen. */
    static ConfigWatcher start(ConfigLoader loader, ConfigLoader.Flags flags, Path file, ConfigLoader.Loaded current,
                               Consumer<GatewayConfig> onChange, Consumer<String> onRejected, Duration debounce)
            throws IOException {
        ConfigWatcher watcher = new ConfigWatcher(loader, flags, file, current, onChange, onRejected, debounce);
        watcher.thread.start();
        return watcher;
    }

    private void register(Path directory) throws IOException {
        directory.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    }

    /** The file a symlink leads to, as it was when the watch began; the file itself when it is none. */
    private static Path target(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }

    private void run() {
        try {
            while (true) {
                if (concernsTheFile(watch.take())) {
                    awaitQuiet();
                    followTheLink();
                    reload();
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException stopped) {
            // closed: the gateway is stopping
        }
    }

    /**
     * A symlink pointed elsewhere since the watch began (a dotfiles checkout moved, {@code ln -sf} to another file):
     * the new target's directory is watched from now on, where it is edited, and the old one's events no longer count.
     */
    private void followTheLink() {
        Path now = target(file);
        if (!now.equals(target)) {
            target = now;
            try {
                register(now.getParent());
            } catch (IOException e) {
                LOG.warn("the configuration's new target {} cannot be watched, its changes need a restart: {}",
                        now, e.getMessage());
            }
        }
    }

    /**
     * Waits until the file has been quiet for the debounce time, so that one reload follows a burst of writes. Only
     * the file's own events count: the directory often holds the gateway's log and ledger too (the data directory),
     * whose writes while requests flow would otherwise put the reload off for as long as the gateway is busy.
     */
    private void awaitQuiet() throws InterruptedException {
        long quietSince = System.nanoTime();
        long left;
        while ((left = debounce.toNanos() - (System.nanoTime() - quietSince)) > 0) {
            WatchKey key = watch.poll(left, TimeUnit.NANOSECONDS);
            if (key == null) {
                return;
            }
            if (concernsTheFile(key)) {
                quietSince = System.nanoTime();
            }
        }
    }

    private boolean concernsTheFile(WatchKey key) {
        // In the file's own directory, the file and the links it leads through there (Kubernetes swaps its ..data
        // link); in the target's (a dotfiles checkout), only the target itself. Not every name in the directory: it is
        // often the data directory, whose log and ledger are written all the time.
        Set<Path> watched = file.getParent().equals(key.watchable()) ? namesOnTheWay()
                : target.getParent().equals(key.watchable()) ? Set.of(target.getFileName()) : Set.of();
        boolean concerns = false;
        for (WatchEvent<?> event : key.pollEvents()) {
            // events lost to an overflowing queue may have been the file's: read it again (an unchanged file is no change)
            concerns |= event.kind() == StandardWatchEventKinds.OVERFLOW
                    || event.context() instanceof Path name && watched.contains(name);
        }
        key.reset();
        return concerns;
    }

    /**
     * The names in the file's directory that reading the file goes through: the file, and where it is a symlink,
     * each entry of that directory on the way to what it leads to ({@code ..data} in a Kubernetes ConfigMap volume,
     * a {@code ccrouter.prod.yaml} beside it).
     */
    private Set<Path> namesOnTheWay() {
        Path directory = file.getParent();
        Set<Path> names = new HashSet<>();
        names.add(file.getFileName());
        Path link = file;
        try {
            for (int hop = 0; hop < MAX_LINKS && Files.isSymbolicLink(link); hop++) {
                Path next = link.getParent().resolve(Files.readSymbolicLink(link)).normalize();
                for (Path step = next; step != null; step = step.getParent()) {
                    if (directory.equals(step.getParent())) {
                        names.add(step.getFileName());
                    }
                }
                link = next;
            }
        } catch (IOException e) {
            // a link changing under us: the names found so far, and the event that follows its change
        }
        return names;
    }

    /** How many times the file was read after a change, valid or not. */
    int reads() {
        return reads.get();
    }

    private void reload() {
        try {
            refuseAnEmptyFile();
            ConfigLoader.Loaded loaded = loader.loadWithLedger(flags);
            apply(loaded.gateway());
            noticeLedger(loaded.ledger());
            lastProblem = null;
        } catch (ConfigException e) {
            reject(e.getMessage());
        } catch (RuntimeException e) {
            reject(e.toString());
        } finally {
            reads.incrementAndGet();
        }
    }

    /**
     * A file emptied is most likely one being written (truncated, then filled by a slow writer or a copy) or a
     * mistake: taken as it is, it would drop the gateway keys and providers and open the gateway until the next write.
     */
    private void refuseAnEmptyFile() {
        try {
            if (Files.isRegularFile(file) && Files.readString(file).isBlank()) {
                throw new ConfigException("config file " + file + " is empty (to run on the defaults, restart with it "
                        + "empty)");
            }
        } catch (IOException e) {
            // unreadable: the load says so
        }
    }

    /**
     * Hands a changed configuration over; the listener may still refuse it with a {@link ConfigException} (providers
     * it cannot build), which is then reported as any broken change, and the previous one stays the current one.
     */
    private void apply(GatewayConfig next) {
        if (!Objects.equals(next, current)) {
            onChange.accept(next);
            current = next;
            LOG.info("configuration reloaded from {}", file);
        }
    }

    /**
     * The ledger is opened once, at start: a change to {@code ledger.*} is said once, and the gateway goes on writing
     * where it started (the values are not printed: the URL may hold a password).
     */
    private void noticeLedger(LedgerSettings next) {
        if (ledger != null && next != null && !next.equals(ledger)) {
            ledger = next;
            LOG.info("the ledger's settings (ledger.*) changed in {}: a restart applies them; until then the gateway "
                    + "writes to the ledger it started with", file);
        }
    }

    /** One line per distinct problem: a broken file is not reported again for each unrelated event. */
    private void reject(String why) {
        String problem = "configuration not reloaded, still serving the previous one: " + why;
        if (!problem.equals(lastProblem)) {
            onRejected.accept(problem);
        }
        lastProblem = problem;
    }

    @Override
    public void close() {
        try {
            watch.close();
        } catch (IOException e) {
            LOG.debug("closing the configuration watch", e);
        }
        thread.interrupt();
    }
}
