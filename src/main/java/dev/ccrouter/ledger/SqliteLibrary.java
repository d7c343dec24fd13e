package dev.ccrouter.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Keeps SQLite's native library beside the ledger's database and has sqlite-jdbc load it from there. Left to itself,
 * sqlite-jdbc writes the library out of the jar into the temporary directory at every start, then compares the copy
 * with the jar's one byte per call before loading it: half of the ledger's opening, which is what the start waits for
 * last (docs/benchmarks.md). Here the copy is written once, and at each start compared whole with the jar's bytes
 * (read in one go) before it is used; a copy that differs is written again. Anything unexpected (no library for this
 * platform in the jar, a directory that cannot be written) leaves sqlite-jdbc to its own way, as does a library
 * location the user has set.
 */
final class SqliteLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteLibrary.class);
    /** sqlite-jdbc's own settings: the library's folder, and its file name there. */
    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";

    private SqliteLibrary() {
    }

    /** Points sqlite-jdbc at the library kept in {@code directory/native/sqlite}, writing it there when it differs. */
    static void keepIn(Path directory) {
        if (System.getProperty(PATH_PROPERTY) != null) {
            return;
        }
        String name = LibraryLoaderUtil.getNativeLibName();
        try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream(
                LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name)) {
            if (in == null) {
                return;
            }
            byte[] library = in.readAllBytes();
            Path folder = directory.resolve("native").resolve("sqlite");
            Path kept = folder.resolve(name);
            if (!Files.isRegularFile(kept) || !Arrays.equals(Files.readAllBytes(kept), library)) {
                write(library, folder, kept);
            }
            System.setProperty(NAME_PROPERTY, name);
            System.setProperty(PATH_PROPERTY, folder.toString());
        } catch (IOException | RuntimeException e) {
            LOG.debug("SQLite's native library is left to sqlite-jdbc: {}", e.toString());
        }
    }

    /** Written beside and moved into place: a start never finds half a library, and one that runs keeps its own. */
    private static void write(byte[] library, Path folder, Path kept) throws IOException {
        Files.createDirectories(folder);
        Path partial = Files.createTempFile(folder, "partial-", ".tmp");
        try {
            Files.write(partial, library);
            Files.move(partial, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
