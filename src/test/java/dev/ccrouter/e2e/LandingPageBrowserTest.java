package dev.ccrouter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.HeadlessChromium;
import dev.ccrouter.testing.HeadlessChromium.Rendered;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SetupCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
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
    static FakeUpstream upstream;
    static RunningGateway gateway;

    @TempDir
    Path work;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        gateway = RunningGateway.start(upstream);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
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
            HeadlessChromium.require(work).screenshot(gateway.baseUrl() + "/", png, shot, 2600);
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
        return HeadlessChromium.require(work).render(gateway.baseUrl() + path, flags);
    }

    /** Chromium's serializer escapes these in attribute values; the commands hold no other entity. */
    private static String unescapeAttribute(String value) {
        return value.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }
}
