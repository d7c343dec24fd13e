package dev.ccrouter.cli;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.LedgerSettings;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the commands that read the ledger find it: the same settings as {@code serve}. */
final class LedgerOptions {
    @Option(names = "--config", description = "YAML config file (CCROUTER_CONFIG); its ledger.url names the database.")
    Path config;

    @Option(names = "--data-dir", description = "Data directory (CCROUTER_DATA_DIR, default ~/.ccrouter).")
    Path dataDir;

    /** @throws dev.ccrouter.config.ConfigException when the settings are unusable */
    LedgerSettings settings(Map<String, String> env) {
        return new ConfigLoader(env).loadLedger(flags());
    }

    /**
     * The settings of a ledger about to be opened, which creates it: the data directory made ready first when the
     * ledger is kept there ({@link ConfigLoader.Loaded#ensureLedgerDirectory}).
     *
     * @throws dev.ccrouter.config.ConfigException when the settings are unusable, or the directory is
     */
    LedgerSettings settingsToOpen(Map<String, String> env) {
        ConfigLoader.Loaded loaded = new ConfigLoader(env).loadForLedger(flags());
        loaded.ensureLedgerDirectory();
        return loaded.ledger();
    }

    private ConfigLoader.Flags flags() {
        return new ConfigLoader.Flags(null, null, null, config, dataDir);
    }
}
