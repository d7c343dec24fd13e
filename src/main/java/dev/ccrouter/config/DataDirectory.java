package dev.ccrouter.config;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * The data directory and what chose it, so that a directory the ledger, or a background gateway's log and pid file,
 * cannot be kept in is said in words a user acts on: which directory, the setting to change, and what is wrong with
 * it. The ledger's opening said it in the JDBC driver's words, naming the ledger's file ({@code ledger database
 * jdbc:sqlite:/etc/passwd/ledger.db: cannot create directory /etc/passwd: /etc/passwd}), and {@code ccrouter start} in
 * the JDK's ({@code could not start a gateway: /etc/passwd (FileAlreadyExistsException)}).
 *
 * @param path      the directory, {@code ~} expanded
 * @param chosenBy  the flag, variable or file's setting that chose it, as messages name them ({@code --data-dir},
 *                  {@code CCROUTER_DATA_DIR}, {@code data_dir in /x/ccrouter.yaml}); null when the default did
 * @param flagTaken whether the command it was read for takes {@code --data-dir}, which a refusal of the default then
 *                  names beside the variable ({@code start} and {@code code} take none)
 */
public record DataDirectory(Path path, String chosenBy, boolean flagTaken) {
    static final ConfigPath SETTING = ConfigPath.of("data_dir");

    /** The data directory of a command that takes {@code --data-dir}, as {@code serve} and {@code usage} do. */
    public DataDirectory(Path path, String chosenBy) {
        this(path, chosenBy, true);
    }

    /**
     * The same directory, for a command that takes no {@code --data-dir} ({@code start}, {@code code}): a refusal of
     * the default names only the variable that chooses another, not a flag the command would refuse.
     */
    public DataDirectory withoutTheFlag() {
        return new DataDirectory(path, chosenBy, false);
    }

    /**
     * Creates the directory when it is missing, and checks that it can be written in when it is there: a few
     * file-system calls.
     *
     * @throws ConfigException in one line: the directory, what chose it, and what is wrong with it
     */
    public void ensureUsable() {
        ensureUsable(Files::isWritable);
    }

    /**
     * @param writable whether a directory can be written in: a test's own, since root may write in any directory of
     *                 a file system mounted for writing
     */
    void ensureUsable(Predicate<Path> writable) {
        if (Files.isDirectory(path)) {
            if (!writable.test(path)) {
                throw unusable("is not writable");
            }
            return;
        }
        if (Files.exists(path)) {
            throw unusable("is a file, not a directory");
        }
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw unusable("cannot be created: " + whyNotCreated(path, e));
        }
    }

    /**
     * Why a directory could not be made: a file where a directory on its way belongs (found by looking, since the
     * system's reason, "Not a directory", names the path being made), else the system's reason in words.
     */
    static String whyNotCreated(Path directory, IOException e) {
        Path file = fileOnTheWay(directory);
        if (file != null) {
            return file + " is a file, not a directory";
        }
        return switch (e) {
            case FileAlreadyExistsException exists when Files.isSymbolicLink(Path.of(exists.getFile())) ->
                    exists.getFile() + " is a broken link"; // Files.exists follows a link, and found nothing there
            case FileAlreadyExistsException exists -> exists.getFile() + " is in the way";
            default -> FileFailures.reason(e);
        };
    }

    /** The nearest of the directory's parents that exists, when it is not a directory; else null. */
    private static Path fileOnTheWay(Path directory) {
        for (Path parent = directory.toAbsolutePath().getParent(); parent != null; parent = parent.getParent()) {
            if (Files.exists(parent)) {
                return Files.isDirectory(parent) ? null : parent;
            }
        }
        return null;
    }

    private ConfigException unusable(String what) {
        return new ConfigException("the data directory " + path + " (" + chosenByInWords() + ") " + what);
    }

    /**
     * What chose the directory; the default is named with the setting's variable and, where the command takes it, its
     * flag: they choose another.
     */
    private String chosenByInWords() {
        if (chosenBy != null) {
            return chosenBy;
        }
        Setting setting = Settings.forPath(SETTING).orElseThrow();
        return "the default " + SETTING.find(DefaultSettings.tree()).asText() + "; " + setting.env()
                + (flagTaken ? " or " + setting.flag() : "") + " chooses another";
    }
}
