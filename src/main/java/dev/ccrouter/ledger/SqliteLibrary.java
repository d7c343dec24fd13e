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
 * last (docs/benchmarks.md). Here the copy is written once, and at each start compared with the jar's bytes, a chunk at
 * a time, before it is used; a copy that differs is written again. Anything unexpected (no library for this
 * platform in the jar, a directory that cannot be written) leaves sqlite-jdbc to its own way, as does a library
 * location the user has set.
 */
final class SqliteLibrary {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteLibrary.class);
    /** sqlite-jdbc's own settings: the library's folder, and its file name there. */
    static final String PATH_PROPERTY = "org.sqlite.lib.path";
    static final String NAME_PROPERTY = "org.sqlite.lib.name";
    private static final int CHUNK = 64 * 1024;

    private SqliteLibrary() {
    }

    /** Points sqlite-jdbc at the library kept in {@code directory/native/sqlite}, writing it there when it differs. */
    static void keepIn(Path directory) {
        if (System.getProperty(PATH_PROPERTY) != null) {
            return;
        }
        String name = LibraryLoaderUtil.getNativeLibName();
        String resource = LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name;
        try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream(resource)) {
            if (in == null) {
                return;
            }
            Path folder = directory.resolve("native").resolve("sqlite");
            Path kept = folder.resolve(name);
            if (!sameBytes(in, kept)) {
                try (InputStream again = org.sqlite.JDBC.class.getResourceAsStream(resource)) {
                    write(again, folder, kept);
                }
            }
            System.setProperty(NAME_PROPERTY, name);
            System.setProperty(PATH_PROPERTY, folder.toString());
        } catch (IOException | RuntimeException e) {
            LOG.debug("SQLite's native library is left to sqlite-jdbc: {}", e.toString());
        }
    }

    /**
     * Whether the kept copy holds exactly the jar's bytes, compared a chunk at a time: reading the ≈ 1 MB library and
     * its copy whole put ≈ 3.3 MB of garbage in the young generation at every start, whose pages stay resident in an
     * idle gateway (docs/benchmarks.md, "Idle under 100 MB").
     */
    private static boolean sameBytes(InputStream library, Path kept) throws IOException {
        if (!Files.isRegularFile(kept)) {
            return false;
        }
        try (InputStream copy = Files.newInputStream(kept)) {
            byte[] expected = new byte[CHUNK];
            byte[] actual = new byte[CHUNK];
            while (true) {
                int read = library.readNBytes(expected, 0, CHUNK);
                if (copy.readNBytes(actual, 0, CHUNK) != read || !Arrays.equals(expected, 0, read, actual, 0, read)) {
                    return false;
                }
                if (read < CHUNK) {
                    return true;
                }
            }
        }
    }

    /** Written beside and moved into place: a start never finds half a library, and one that runs keeps its own. */
    private static void write(InputStream library, Path folder, Path kept) throws IOException {
        Files.createDirectories(folder);
        Path partial = Files.createTempFile(folder, "partial-", ".tmp");
        try {
            Files.copy(library, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, kept, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
