package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.testing.AccessLogCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload: a valid change reaches the listener, a broken one keeps the old configuration and says why. */
class ConfigWatcherTest {
    @TempDir
    Path dir;
    Path file;
    ConfigLoader loader;
    ConfigWatcher watcher;
    final List<GatewayConfig> changes = new CopyOnWriteArrayList<>();
    final List<String> rejections = new CopyOnWriteArrayList<>();

    @BeforeEach
    void watch() throws IOException {
        file = Files.writeString(dir.resolve("ccrouter.yaml"), "routes:\n  long_context_threshold: 1000\n");
        loader = new ConfigLoader(Map.of("CCROUTER_CONFIG", file.toString(), "HOME", dir.toString()));
        ConfigLoader.Loaded initial = loader.loadWithLedger(ConfigLoader.Flags.NONE);
        watcher = ConfigWatcher.start(loader, ConfigLoader.Flags.NONE, file, initial, changes::add, rejections::add,
                Duration.ofMillis(50));
    }

    @AfterEach
    void stop() {
        watcher.close();
    }

    @Test
    void aValidChangeIsHandedOver() throws IOException {
        Files.writeString(file, "routes:\n  long_context_threshold: 2000\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> !changes.isEmpty());
        assertThat(changes).hasSize(1);
        assertThat(changes.getFirst().routes().longContextThreshold()).isEqualTo(2000);
        assertThat(rejections).isEmpty();
    }

    /**
     * The configuration's directory is often the data directory, where the gateway's log and ledger are written while
     * it serves: their writes do not put the reload off, only the file's own do.
     */
    @Test
    void otherFilesWrittenInTheDirectoryMeanwhileDoNotPutTheReloadOff() throws Exception {
        changeWhileTheLogIsBusy(file, 2000);
    }

    /** Makes the watched file a symlink to {@code target} (written with a threshold of 1000) and watches it afresh. */
    private Path watchALinkTo(Path target) throws IOException {
        watcher.close();
        Files.writeString(target, "routes:\n  long_context_threshold: 1000\n");
        Files.delete(file);
        Files.createSymbolicLink(file, target);
        watcher = ConfigWatcher.start(loader, ConfigLoader.Flags.NONE, file,
                loader.loadWithLedger(ConfigLoader.Flags.NONE),
                changes::add, rejections::add, Duration.ofMillis(50));
        return target;
    }

    /** Writes a new threshold into {@code written} while a busy log is written beside it; the change must arrive. */
    private void changeWhileTheLogIsBusy(Path written, int threshold) throws Exception {
        Thread writer = busyLog(dir.resolve("ccrouter.log"));
        try {
            Files.writeString(written, "routes:\n  long_context_threshold: " + threshold + "\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> !changes.isEmpty());
            assertThat(writer.isAlive()).as("the log was still being written when the change arrived").isTrue();
            assertThat(changes.getFirst().routes().longContextThreshold()).isEqualTo(threshold);
        } finally {
            writer.interrupt();
            writer.join();
        }
    }

    /** A busy gateway's log, written far more often than the 50 ms debounce, until the thread is interrupted. */
    private static Thread busyLog(Path log) {
        return Thread.ofPlatform().daemon().start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Files.writeString(log, "a request's line\n", java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                    Thread.sleep(5);
                }
            } catch (IOException | InterruptedException stopped) {
                // the test is over
            }
        });
    }

    @Test
    void aBrokenChangeKeepsTheOldConfigurationAndSaysWhyInOneLine() throws IOException {
        Files.writeString(file, "routes:\n  long_context_treshold: 2000\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> !rejections.isEmpty());
        assertThat(rejections).containsExactly("configuration not reloaded, still serving the previous one: "
                + "routes.long_context_treshold in " + file + ": unknown setting (known: background, cooldown_seconds, default, "
                + "fallbacks, image, long_context, long_context_threshold, think, web_search)");
        assertThat(changes).isEmpty();

        Files.writeString(file, "routes:\n  long_context_threshold: 3000\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> !changes.isEmpty());
        assertThat(changes.getFirst().routes().longContextThreshold()).isEqualTo(3000);
    }

    /** The warning is logged: a key pasted into the wrong setting is shown in it as keys are shown everywhere. */
    @Test
    void aKeyInARefusedChangeIsShownMasked() throws IOException {
        Files.writeString(file,
                "auth:\n  keys:\n    - {key: abc, budget_usd_per_day: sk-or-v1-RELOADLEAK0123456789abcdef}\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> !rejections.isEmpty());
        assertThat(rejections).containsExactly("configuration not reloaded, still serving the previous one: "
                + "auth.keys[0].budget_usd_per_day in " + file + " must be an amount in US dollars of at least 0, "
                + "such as 12.50, got 'sk-…cdef'");
    }

    @Test
    void aChangeTheListenerRefusesIsSaidOnceAsNotReloadedAndTheNextOneIsComparedWithTheOldOne() throws IOException {
        watcher.close();
        String refusal = "providers.deepseek.api_keys must be set: with auth.keys the gateway uses each provider's "
                + "own keys and never forwards a client's key";
        watcher = ConfigWatcher.start(loader, ConfigLoader.Flags.NONE, file,
                loader.loadWithLedger(ConfigLoader.Flags.NONE),
                next -> {
                    if (next.routes().longContextThreshold() == 2000) {
                        throw new ConfigException(refusal); // as GatewayServer.reconfigure refuses what Router refuses
                    }
                    changes.add(next);
                }, rejections::add, Duration.ofMillis(50));
        try (AccessLogCapture log = new AccessLogCapture(ConfigWatcher.class.getName())) {
            Files.writeString(file, "routes:\n  long_context_threshold: 2000\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.reads() == 1);
            assertThat(rejections).containsExactly(
                    "configuration not reloaded, still serving the previous one: " + refusal);
            assertThat(log.lines()).isEmpty(); // no "configuration reloaded" for what was refused

            Files.writeString(file, "routes:\n  long_context_threshold: 1000\n"); // back to what is served
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.reads() == 2);
            assertThat(changes).isEmpty();
            assertThat(rejections).hasSize(1);
        }
    }

    /** A file emptied (half-way through a slow write) would otherwise reload as the defaults: an open gateway. */
    @Test
    void anEmptiedFileKeepsTheOldConfiguration() throws IOException {
        Files.writeString(file, "\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> !rejections.isEmpty());
        assertThat(rejections).containsExactly("configuration not reloaded, still serving the previous one: config "
                + "file " + file + " is empty (to run on the defaults, restart with it empty)");
        assertThat(changes).isEmpty();
    }

    @Test
    void aFileReplacedByRenameIsReloaded() throws IOException {
        Path written = Files.writeString(dir.resolve(".ccrouter.yaml.tmp"), "server:\n  port: 9999\n");
        Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await().atMost(Duration.ofSeconds(10)).until(() -> !changes.isEmpty());
        assertThat(changes.getFirst().port()).isEqualTo(9999);
    }

    /** A configuration symlinked from elsewhere (a dotfiles checkout) is edited in the directory it lives in. */
    @Test
    void aFileSymlinkedFromAnotherDirectoryIsReloadedWhenItsTargetChanges(@TempDir Path elsewhere) throws IOException {
        Path target = watchALinkTo(elsewhere.resolve("dotfiles-ccrouter.yaml"));

        Files.writeString(target, "routes:\n  long_context_threshold: 4000\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> !changes.isEmpty());
        assertThat(changes.getFirst().routes().longContextThreshold()).isEqualTo(4000);
    }

    /** A link pointed at a file in another directory is followed there: that file's later edits are reloaded too. */
    @Test
    void aSymlinkPointedElsewhereIsFollowedToItsNewDirectory(@TempDir Path first, @TempDir Path second)
            throws IOException {
        watcher.close();
        Path before = Files.writeString(first.resolve("ccrouter.yaml"), "routes:\n  long_context_threshold: 1000\n");
        Files.delete(file);
        Files.createSymbolicLink(file, before);
        watcher = ConfigWatcher.start(loader, ConfigLoader.Flags.NONE, file,
                loader.loadWithLedger(ConfigLoader.Flags.NONE),
                changes::add, rejections::add, Duration.ofMillis(50));

        Path after = Files.writeString(second.resolve("ccrouter.yaml"), "routes:\n  long_context_threshold: 2000\n");
        Path relinked = Files.createSymbolicLink(dir.resolve(".ccrouter.yaml.new"), after);
        Files.move(relinked, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.size() == 1);
        assertThat(changes.getLast().routes().longContextThreshold()).isEqualTo(2000);

        Files.writeString(after, "routes:\n  long_context_threshold: 3000\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.size() == 2);
        assertThat(changes.getLast().routes().longContextThreshold()).isEqualTo(3000);
    }

    /** A Kubernetes ConfigMap volume: the file is a link through ..data, which an update swaps for another. */
    @Test
    void aConfigMapUpdateThatSwapsItsDataLinkIsReloaded() throws IOException {
        watcher.close();
        Files.delete(file);
        Path first = Files.createDirectory(dir.resolve("..2026_12_07_01"));
        Files.writeString(first.resolve("ccrouter.yaml"), "routes:\n  long_context_threshold: 1000\n");
        Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
        Files.createSymbolicLink(file, Path.of("..data", "ccrouter.yaml"));
        watcher = ConfigWatcher.start(loader, ConfigLoader.Flags.NONE, file,
                loader.loadWithLedger(ConfigLoader.Flags.NONE),
                changes::add, rejections::add, Duration.ofMillis(50));

        Path second = Files.createDirectory(dir.resolve("..2026_12_07_02"));
        Files.writeString(second.resolve("ccrouter.yaml"), "routes:\n  long_context_threshold: 5000\n");
        Path swapped = Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
        Files.move(swapped, dir.resolve("..data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        await().atMost(Duration.ofSeconds(10)).until(() -> !changes.isEmpty());
        assertThat(changes.getFirst().routes().longContextThreshold()).isEqualTo(5000);
    }

    /**
     * A symlinked file in the data directory (linked to a dotfiles checkout): the log written beside the link is not
     * a change of the file, neither read as one nor putting the reload off.
     */
    @Test
    void aSymlinkedFileBesideABusyLogIsReloadedWhileTheLogIsWritten(@TempDir Path elsewhere) throws Exception {
        Path target = watchALinkTo(elsewhere.resolve("dotfiles-ccrouter.yaml"));
        changeWhileTheLogIsBusy(target, 4000);
    }

    @Test
    void rewritingTheSameSettingsHandsNothingOver() throws IOException {
        Files.writeString(file, "routes:\n  long_context_threshold: 1000   # unchanged, with a comment\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> watcher.reads() == 1);
        assertThat(changes).isEmpty();
        assertThat(rejections).isEmpty();
    }

    @Test
    void aDeletedFileKeepsTheOldConfiguration() throws IOException {
        Files.delete(file);
        await().atMost(Duration.ofSeconds(10)).until(() -> !rejections.isEmpty());
        assertThat(rejections).containsExactly("configuration not reloaded, still serving the previous one: config "
                + "file " + file + " does not exist (CCROUTER_CONFIG / --config)");
        assertThat(changes).isEmpty();
    }

    @Test
    void aChangedLedgerIsSaidOnceToTakeARestartWithoutItsUrl() throws IOException {
        try (AccessLogCapture log = new AccessLogCapture(ConfigWatcher.class.getName())) {
            Files.writeString(file, "routes:\n  long_context_threshold: 1000\n"
                    + "ledger:\n  url: jdbc:postgresql://db:5432/ccrouter?password=hunter2\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.reads() == 1);
            Files.writeString(file, "routes:\n  long_context_threshold: 1000\n"
                    + "ledger:\n  url: jdbc:postgresql://db:5432/ccrouter?password=hunter2\n  batch_interval_ms: 500\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.reads() == 2);

            assertThat(log.lines()).containsExactly("the ledger's settings (ledger.*) changed in " + file
                    + ": a restart applies them; until then the gateway writes to the ledger it started with",
                    "the ledger's settings (ledger.*) changed in " + file
                    + ": a restart applies them; until then the gateway writes to the ledger it started with");
            assertThat(changes).isEmpty(); // nothing else changed: the routes, providers and keys stay as they were
        }
    }
}
