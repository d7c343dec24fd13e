package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory the ledger cannot be kept in is one line naming it, the setting that chose it and what is wrong.
 * Written to hold when run as root, who may write in any directory: "not writable" and the system's reasons are
 * given to the check rather than made.
 */
class DataDirectoryTest {
    @TempDir
    Path dir;

    private DataDirectory chosen(Map<String, String> env, ConfigLoader.Flags flags) {
        Map<String, String> withHome = new HashMap<>(env);
        withHome.put("HOME", dir.toString());
        return new ConfigLoader(withHome).loadWithLedger(flags).dataDirectory();
    }

    private static ConfigLoader.Flags dataDirFlag(Path path) {
        return new ConfigLoader.Flags(null, null, null, null, path);
    }

    @Test
    void whatChoseTheDirectoryIsTheSettingThatDecided() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), "data_dir: " + dir.resolve("from-file") + "\n");
        Map<String, String> withFile = Map.of("CCROUTER_CONFIG", file.toString());
        Map<String, String> withVariable = Map.of("CCROUTER_CONFIG", file.toString(),
                "CCROUTER_DATA_DIR", dir.resolve("from-variable").toString());

        assertThat(chosen(Map.of(), ConfigLoader.Flags.NONE))
                .isEqualTo(new DataDirectory(dir.resolve(".ccrouter"), null));
        assertThat(chosen(withFile, ConfigLoader.Flags.NONE))
                .isEqualTo(new DataDirectory(dir.resolve("from-file"), "data_dir in " + file));
        assertThat(chosen(withVariable, ConfigLoader.Flags.NONE))
                .isEqualTo(new DataDirectory(dir.resolve("from-variable"), "CCROUTER_DATA_DIR"));
        assertThat(chosen(withVariable, dataDirFlag(dir.resolve("from-flag"))))
                .isEqualTo(new DataDirectory(dir.resolve("from-flag"), "--data-dir"));
    }

    /** {@code data_dir:} written without a value keeps the default, which then chose the directory. */
    @Test
    void aFileThatLeavesItEmptyLeavesItToTheDefault() throws IOException {
        Path file = Files.writeString(dir.resolve("ccrouter.yaml"), "data_dir:\n");
        assertThat(chosen(Map.of("CCROUTER_CONFIG", file.toString()), ConfigLoader.Flags.NONE))
                .isEqualTo(new DataDirectory(dir.resolve(".ccrouter"), null));
    }

    @Test
    void aMissingDirectoryIsCreated() {
        Path missing = dir.resolve("a/b");
        new DataDirectory(missing, "--data-dir").ensureUsable();
        assertThat(missing).isDirectory();
    }

    @Test
    void aFileIsNotADirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> new DataDirectory(file, "CCROUTER_DATA_DIR").ensureUsable())
                .isInstanceOf(ConfigException.class)
                .hasMessage("the data directory " + file + " (CCROUTER_DATA_DIR) is a file, not a directory");
    }

    @Test
    void aFileOnItsWayIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThatThrownBy(() -> new DataDirectory(file.resolve("a/b"), "data_dir in /x/ccrouter.yaml").ensureUsable())
                .isInstanceOf(ConfigException.class)
                .hasMessage("the data directory " + file.resolve("a/b") + " (data_dir in /x/ccrouter.yaml) cannot be "
                        + "created: " + file + " is a file, not a directory");
    }

    @Test
    void aDirectoryThatCannotBeWrittenInIsNotWritable() {
        assertThatThrownBy(() -> new DataDirectory(dir, "--data-dir").ensureUsable(directory -> false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("the data directory " + dir + " (--data-dir) is not writable");
    }

    /** The default is named with what chooses another. */
    @Test
    void theDefaultIsNamedWithTheVariableAndFlagThatChooseAnother() {
        assertThatThrownBy(() -> new DataDirectory(dir, null).ensureUsable(directory -> false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("the data directory " + dir + " (the default ~/.ccrouter; CCROUTER_DATA_DIR or --data-dir"
                        + " chooses another) is not writable");
    }

    /** {@code start} and {@code code} take no {@code --data-dir}: the default is named with the variable alone. */
    @Test
    void withoutTheFlagTheDefaultIsNamedWithTheVariableAlone() {
        assertThatThrownBy(() -> new DataDirectory(dir, null).withoutTheFlag().ensureUsable(directory -> false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("the data directory " + dir + " (the default ~/.ccrouter; CCROUTER_DATA_DIR chooses "
                        + "another) is not writable");
        assertThatThrownBy(() -> new DataDirectory(dir, "data_dir in /x/ccrouter.yaml").withoutTheFlag()
                .ensureUsable(directory -> false))
                .isInstanceOf(ConfigException.class)
                .hasMessage("the data directory " + dir + " (data_dir in /x/ccrouter.yaml) is not writable");
    }

    @Test
    void theSystemsReasonIsSaidInWords() throws IOException {
        Path missing = dir.resolve("missing");
        assertThat(DataDirectory.whyNotCreated(missing, new AccessDeniedException(missing.toString())))
                .isEqualTo("permission denied");
        assertThat(DataDirectory.whyNotCreated(missing,
                new FileSystemException(missing.toString(), null, "Read-only file system")))
                .isEqualTo("read-only file system");
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("nowhere"));
        assertThatThrownBy(() -> new DataDirectory(link, "--data-dir").ensureUsable())
                .isInstanceOf(ConfigException.class)
                .hasMessage("the data directory " + link + " (--data-dir) cannot be created: " + link
                        + " is a broken link");
    }
}
