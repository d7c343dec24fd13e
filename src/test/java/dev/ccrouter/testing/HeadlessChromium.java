package dev.ccrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium for the page tests: loads a URL from the real gateway, under the page's own
 * Content-Security-Policy, runs its scripts and returns the resulting DOM and console messages (a script error, or a
 * style or script the policy refused, shows there).
 *
 * <p>Found as {@code CCROUTER_CHROMIUM_BIN}, {@code /usr/bin/chromium} or {@code chromium} on the PATH; without one the
 * test is skipped, unless {@code CCROUTER_REQUIRE_CHROMIUM=1} (as {@code .ci/run} sets) makes that a failure.
 */
public final class HeadlessChromium {
    private static final Pattern CONSOLE_LINE = Pattern.compile(".*:CONSOLE[:(].*");

    private final String binary;
    private final Path work;

    /** What the browser made of a page: the serialized DOM after its scripts ran, and its console messages. */
    public record Rendered(String dom, List<String> console) {
    }

    private HeadlessChromium(String binary, Path work) {
        this.binary = binary;
        this.work = work;
    }

    /** The browser, working in {@code work}; skips the calling test when there is none. */
    public static HeadlessChromium require(Path work) {
        String binary = find();
        if (binary == null && "1".equals(System.getenv("CCROUTER_REQUIRE_CHROMIUM"))) {
            throw new IllegalStateException("CCROUTER_REQUIRE_CHROMIUM=1 but no chromium binary was found");
        }
        Assumptions.assumeTrue(binary != null, "Chromium is not installed (apt-get install -y chromium)");
        return new HeadlessChromium(binary, work);
    }

    /** The DOM once the page's scripts ran (and, with {@code extra} such as a virtual time budget, its timers). */
    public Rendered render(String url, String... extra) throws IOException, InterruptedException {
        Path dom = work.resolve("dom.html");
        String log = run(url, dom, "--dump-dom", extra);
        return new Rendered(Files.readString(dom, StandardCharsets.UTF_8),
                log.lines().filter(line -> CONSOLE_LINE.matcher(line).matches()).toList());
    }

    /** A PNG of the page, {@code width}×{@code height}, after {@code extra}'s waiting. */
    public void screenshot(String url, Path png, int width, int height, String... extra)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(extra));
        args.add("--window-size=" + width + "," + height);
        args.add("--hide-scrollbars");
        run(url, work.resolve("screenshot.out"), "--screenshot=" + png.toAbsolutePath(), args.toArray(String[]::new));
        assertThat(png).isNotEmptyFile();
    }

    private String run(String url, Path output, String mode, String... extra) throws IOException, InterruptedException {
        Path log = work.resolve("chromium.log");
        List<String> command = new ArrayList<>(List.of(binary, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + work.resolve("profile"), "--enable-logging=stderr", "--v=0"));
        command.addAll(List.of(extra));
        command.add(mode);
        command.add(url);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(output.toFile())
                .redirectError(log.toFile());
        builder.environment().put("HOME", work.toString());
        Process process = builder.start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("chromium did not finish within 90 s; its log:\n" + Files.readString(log));
        }
        String stderr = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("chromium exit code; its log:\n%s", stderr).isZero();
        return stderr;
    }

    private static String find() {
        String configured = System.getenv("CCROUTER_CHROMIUM_BIN");
        if (configured != null && new File(configured).canExecute()) {
            return configured;
        }
        if (new File("/usr/bin/chromium").canExecute()) {
            return "/usr/bin/chromium";
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File candidate = new File(dir, "chromium");
            if (candidate.canExecute()) {
                return candidate.getAbsolutePath();
            }
        }
        return null;
    }
}
