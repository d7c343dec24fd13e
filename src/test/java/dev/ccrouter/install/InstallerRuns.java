package dev.ccrouter.install;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** What every installer test has: the script as a running gateway serves it, and a fresh sandbox per test. */
abstract class InstallerRuns {
    static final String KEY = "sk-or-v1-0123456789abcdef0123456789abcdef";

    static ServedInstaller served;
    static String url;
    static Path script;

    @TempDir
    static Path shared;

    @TempDir
    Path dir;

    InstallerSandbox sandbox;

    @BeforeAll
    static void serveTheScript() throws Exception {
        served = ServedInstaller.fetch(shared);
        url = served.url;
        script = served.script;
    }

    @AfterAll
    static void stopServing() {
        served.close();
    }

    @BeforeEach
    void newSandbox() throws IOException {
        sandbox = new InstallerSandbox(dir);
    }
}
