package dev.ccrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SetupCommands;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The web pages in a real browser: headless Chromium loads them from the real gateway, under their own
 * Content-Security-Policy, runs their script and prints the resulting DOM. At {@code #selftest} the landing page presses
 * every copy button once, so the DOM shows what each would copy. Console output — a script error, or a style or
 * script the policy refused — fails the test.
 *
 * <p>It runs when a Chromium binary is found ({@code CCROUTER_CHROMIUM_BIN}, {@code /usr/bin/chromium} or the PATH);
 * {@code .ci/run} installs Debian's {@code chromium} and sets {@code CCROUTER_REQUIRE_CHROMIUM=1}, which turns a
 * missing browser into a failure instead of a skip.
 */
class LandingPageBrowserTest {
    private static final Pattern COPY_BUTTON =
            Pattern.compile("<button type=\"button\" data-copy=\"(cmd-[a-z-]+)\" data-copied=\"([^\"]*)\">");
    private static final Pattern CONSOLE_LINE = Pattern.compile(".*:CONSOLE[:(].*");
    static FakeUpstream upstream;
    static RunningGateway gateway;
    static String chromium;

    @TempDir
    Path work;

    /** What the browser made of a page: the serialized DOM after its scripts ran, and its console messages. */
    record Rendered(String dom, List<String> console) {
    }

    @BeforeAll
    static void start() {
        chromium = findChromium();
        if (chromium == null && "1".equals(System.getenv("CCROUTER_REQUIRE_CHROMIUM"))) {
            throw new IllegalStateException("CCROUTER_REQUIRE_CHROMIUM=1 but no chromium binary was found");
        }
        Assumptions.assumeTrue(chromium != null, "Chromium is not installed (apt-get install -y chromium)");
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
            upstream.close();
        }
    }

    @Test
    void copyButtonsCopyTheCommandsShownWithThisInstancesUrl() throws Exception {
        Rendered page = render("/#selftest");
        assertThat(page.console()).as("browser console").isEmpty();
        assertThat(page.dom()).as("the script ran and wired every button").contains("data-copy-buttons=\"7\"");
        SetupCommands.assertShownFor(page.dom(), gateway.baseUrl());

        Map<String, String> copied = new LinkedHashMap<>();
        Matcher button = COPY_BUTTON.matcher(page.dom());
        while (button.find()) {
            copied.put(button.group(1), unescapeAttribute(button.group(2)));
        }
        assertThat(copied).isEqualTo(SetupCommands.in(page.dom()));
    }

    /**
     * No sideways scrolling of the page on a phone or a desktop: long commands scroll inside their own boxes. Headless
     * Chromium lays a page out no narrower than 500 px, so that width stands in for a phone here; screenshots at 390
     * and 1280 px go to target/screenshots for a look.
     */
    @ParameterizedTest
    @ValueSource(ints = {500, 1280})
    void thePageFitsItsWidthWithoutScrollingSideways(int width) throws Exception {
        Rendered page = render("/#selftest", "--window-size=" + width + ",900");
        assertThat(page.dom()).contains("data-viewport=\"" + width + "\"")
                .containsPattern("data-overflow=\"(0|-\\d+)\"");
        assertThat(page.console()).as("browser console").isEmpty();

        Path screenshots = Files.createDirectories(Path.of("target", "screenshots"));
        for (int shot : new int[] {390, 1280}) {
            Path png = screenshots.resolve("landing-" + shot + ".png").toAbsolutePath();
            render("/", "--window-size=" + shot + ",2600", "--hide-scrollbars", "--screenshot=" + png);
            assertThat(Files.size(png)).as(png.toString()).isPositive();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/terms", "/privacy"})
    void termsAndPrivacyRenderWithoutComplaint(String path) throws Exception {
        Rendered page = render(path);
        assertThat(page.console()).as("browser console").isEmpty();
        assertThat(page.dom()).contains("data-copy-buttons=\"0\"", "<code>" + gateway.baseUrl() + "</code>");
    }

    private Rendered render(String path, String... flags) throws IOException, InterruptedException {
        Path dom = work.resolve("dom.html");
        Path log = work.resolve("chromium.log");
        List<String> command = new ArrayList<>(List.of(chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + work.resolve("profile"), "--enable-logging=stderr", "--v=0"));
        command.addAll(List.of(flags));
        if (Stream.of(flags).noneMatch(flag -> flag.startsWith("--screenshot"))) {
            command.add("--dump-dom");
        }
        command.add(gateway.baseUrl() + path);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(dom.toFile())
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
        return new Rendered(Files.readString(dom, StandardCharsets.UTF_8),
                stderr.lines().filter(line -> CONSOLE_LINE.matcher(line).matches()).toList());
    }

    /** Chromium's serializer escapes these in attribute values; the commands hold no other entity. */
    private static String unescapeAttribute(String value) {
        return value.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private static String findChromium() {
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
