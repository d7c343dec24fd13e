package dev.ccrouter.server;

import dev.ccrouter.config.GatewayConfig;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The pages people open in a browser: the landing page at {@code /} with setup commands for this instance's URL, and
 * {@code /terms} and {@code /privacy}. Each page is assembled once from the templates under {@code ccrouter/web/};
 * a request only substitutes its {@link InstanceUrl}.
 */
final class WebPages {
    private static final String TEMPLATES = "/ccrouter/web/";

    private final GatewayConfig config;
    private final HtmlPage landing;
    private final HtmlPage terms;
    private final HtmlPage privacy;

    private WebPages(GatewayConfig config, HtmlPage landing, HtmlPage terms, HtmlPage privacy) {
        this.config = config;
        this.landing = landing;
        this.terms = terms;
        this.privacy = privacy;
    }

    static WebPages load(GatewayConfig config) {
        String layout = template("layout.html");
        // What stays the same for every request is filled in here, escaped once.
        Map<String, String> instance = Map.of(
                "@MODEL_OPUS@", HtmlPage.escape(config.models().opus()),
                "@MODEL_SONNET@", HtmlPage.escape(config.models().sonnet()),
                "@MODEL_HAIKU@", HtmlPage.escape(config.models().haiku()),
                "@UPSTREAM_HOST@", HtmlPage.escape(config.upstreamBaseUrl().getHost()));
        return new WebPages(config,
                HtmlPage.assemble(layout, "ccrouter — Claude Code on OpenRouter", template("landing.html"), instance),
                HtmlPage.assemble(layout, "ccrouter — Terms of use", template("terms.html"), instance),
                HtmlPage.assemble(layout, "ccrouter — Privacy", template("privacy.html"), instance));
    }

    void landing(ServerRequest req, ServerResponse res) {
        send(landing, req, res);
    }

    void terms(ServerRequest req, ServerResponse res) {
        send(terms, req, res);
    }

    void privacy(ServerRequest req, ServerResponse res) {
        send(privacy, req, res);
    }

    private void send(HtmlPage page, ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header("Content-Security-Policy", page.contentSecurityPolicy());
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        // The body depends on these request headers: a cache in front must neither share nor keep it.
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.VARY, "Host, X-Forwarded-Host, X-Forwarded-Proto");
        res.send(page.render(InstanceUrl.from(req, config)).getBytes(StandardCharsets.UTF_8));
    }

    private static String template(String name) {
        try (InputStream in = WebPages.class.getResourceAsStream(TEMPLATES + name)) {
            if (in == null) {
                throw new IllegalStateException("the page template " + TEMPLATES + name + " is missing from the build");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("could not read the page template " + TEMPLATES + name, e);
        }
    }
}
