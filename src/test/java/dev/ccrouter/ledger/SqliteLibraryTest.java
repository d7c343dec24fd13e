package dev.ccrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * SQLite's native library kept beside the ledger. The JVM's own settings for sqlite-jdbc are saved and put back
 * around each test (an earlier ledger in this JVM may have set them).
 */
class SqliteLibraryTest {
    @TempDir
    Path dir;
    private String path;
    private String name;

    @BeforeEach
    void clearSettings() {
        path = System.clearProperty(SqliteLibrary.PATH_PROPERTY);
        name = System.clearProperty(SqliteLibrary.NAME_PROPERTY);
    }

    @AfterEach
    void restoreSettings() {
        restore(SqliteLibrary.PATH_PROPERTY, path);
        restore(SqliteLibrary.NAME_PROPERTY, name);
    }

    @Test
    void theLibraryIsWrittenBesideTheLedgerOnceAndSqliteJdbcIsPointedAtIt() throws IOException {
        SqliteLibrary.keepIn(dir);

        Path kept = dir.resolve("native/sqlite").resolve(LibraryLoaderUtil.getNativeLibName());
        assertThat(Files.readAllBytes(kept)).isEqualTo(jarsLibrary());
        assertThat(System.getProperty(SqliteLibrary.PATH_PROPERTY)).isEqualTo(kept.getParent().toString());
        assertThat(System.getProperty(SqliteLibrary.NAME_PROPERTY)).isEqualTo(LibraryLoaderUtil.getNativeLibName());
        assertThat(Files.list(kept.getParent())).containsExactly(kept);
    }

    @Test
    void aCopyThatDiffersFromTheJarsIsWrittenAgain() throws IOException {
        Path kept = dir.resolve("native/sqlite").resolve(LibraryLoaderUtil.getNativeLibName());
        Files.createDirectories(kept.getParent());
        byte[] tampered = jarsLibrary();
        tampered[tampered.length / 2] ^= 1;
        Files.write(kept, tampered);

        SqliteLibrary.keepIn(dir);

        assertThat(Files.readAllBytes(kept)).isEqualTo(jarsLibrary());
    }

    @Test
    void aCopyWithBytesMoreOrFewerThanTheJarsIsWrittenAgain() throws IOException {
        Path kept = dir.resolve("native/sqlite").resolve(LibraryLoaderUtil.getNativeLibName());
        Files.createDirectories(kept.getParent());
        byte[] library = jarsLibrary();
        Files.write(kept, Arrays.copyOf(library, library.length + 1));

        SqliteLibrary.keepIn(dir);
        assertThat(Files.readAllBytes(kept)).isEqualTo(library);

        Files.write(kept, Arrays.copyOf(library, library.length - 1));
        clearSettings(); // as at the next start
        SqliteLibrary.keepIn(dir);
        assertThat(Files.readAllBytes(kept)).isEqualTo(library);
    }

    @Test
    void aCopyEqualToTheJarsIsKeptAsItIs() throws IOException {
        SqliteLibrary.keepIn(dir);
        Path kept = dir.resolve("native/sqlite").resolve(LibraryLoaderUtil.getNativeLibName());
        Object file = Files.readAttributes(kept, BasicFileAttributes.class).fileKey();
        clearSettings(); // as at the next start

        SqliteLibrary.keepIn(dir);

        assertThat(Files.readAttributes(kept, BasicFileAttributes.class).fileKey()).isEqualTo(file);
        assertThat(Files.list(kept.getParent())).containsExactly(kept);
    }

    @Test
    void aLocationTheUserSetIsLeftAlone() {
        System.setProperty(SqliteLibrary.PATH_PROPERTY, "/opt/sqlite");

        SqliteLibrary.keepIn(dir);

        assertThat(dir.resolve("native")).doesNotExist();
        assertThat(System.getProperty(SqliteLibrary.PATH_PROPERTY)).isEqualTo("/opt/sqlite");
    }

    private static byte[] jarsLibrary() throws IOException {
        try (InputStream in = org.sqlite.JDBC.class.getResourceAsStream(LibraryLoaderUtil.getNativeLibResourcePath()
                + "/" + LibraryLoaderUtil.getNativeLibName())) {
            return in.readAllBytes();
        }
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
