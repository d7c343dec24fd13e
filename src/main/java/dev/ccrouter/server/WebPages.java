package dev.ccrouter.server;

import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.UrlHosts;
import dev.ccrouter.http.HeaderNames;
import dev.ccrouter.http.ServerRequest;
import dev.ccrouter.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The pages people open in a browser: the landing page at {@code /} with setup commands for this instance's URL, and
 * {@code /terms} and {@code /privacy}. The pages are assembled once (and again after a reload), at the first request
 * for any of them, from the templates under {@code ccrouter/web/}; later requests only substitute their
 * {@link InstanceUrl}. Not at start: the
 * templates' strings and the SHA-256 set-up of their policies were ≈ 1 MB of a fresh gateway's garbage, and with
 * Serial's fixed young generation every MB the start allocates stays resident until the first collection.
 */
final class WebPages {
    private static final String TEMPLATES = "/ccrouter/web/";
    private static final String LOOPBACK_WARNING = "@LOOPBACK_WARNING@";
    private static final String WARNING = "<p class=\"warning\" id=\"loopback-warning\"><strong>This address is "
            + "this machine's own.</strong> The commands below work only here: other computers and CI runners cannot "
            + "reach it. Set <code>server.public_url</code> (<code>CCROUTER_PUBLIC_URL</code>) to the address others "
            + "use.</p>";
    /** What the pages say about keys where users bring their own provider key, which is forwarded with each request. */
    private static final Map<String, String> OWN_KEY = Map.of(
            "@KEY@", "OpenRouter key",
            "@KEY_VAR@", "OPENROUTER_API_KEY",
            "@KEY_EXAMPLE@", "sk-or-v1-…",
            "@KEY_INTRO@", "You bring your own OpenRouter key: it travels with each request to the provider and is "
                    + "neither stored nor logged here, and neither are your prompts.",
            "@KEY_TERMS@", "<li>You use your own provider key. Each request is forwarded with it to the provider this "
                    + "instance is configured with (<code>@UPSTREAM_HOST@</code>), and your use is also governed by "
                    + "that provider's terms and by the terms of the models you choose.</li>\n"
                    + "<li>Costs are billed by the provider to the owner of the key.</li>",
            "@KEY_PRIVACY@", "The key you send is forwarded to the provider with each request. ccrouter never writes "
                    + "it to a log, and where it keeps usage records a key appears at most as a short one-way hash.");
    /**
     * What they say where the gateway has keys of its own ({@code auth.keys}): a user's key opens this instance and
     * goes no further; the instance reaches the provider with its operator's keys.
     */
    private static final Map<String, String> GATEWAY_KEY = Map.of(
            "@KEY@", "gateway key",
            "@KEY_VAR@", "CCROUTER_GATEWAY_KEY",
            "@KEY_EXAMPLE@", "your-gateway-key",
            "@KEY_INTRO@", "This instance takes keys of its own: ask its operator for yours. Your key opens this "
                    + "instance and goes no further; it is neither stored nor logged here, and neither are your prompts.",
            "@KEY_TERMS@", "<li>You use a key this instance's operator gave you. Requests go on to the provider this "
                    + "instance is configured with (<code>@UPSTREAM_HOST@</code>) with the operator's own key, and your "
                    + "use is also governed by that provider's terms and by the terms of the models you choose.</li>\n"
                    + "<li>Costs are billed by the provider to the operator, who may limit what each key spends.</li>",
            "@KEY_PRIVACY@", "The key you send opens this instance and is not forwarded: requests reach the provider "
                    + "with the operator's key. ccrouter never writes a key to a log, and where it keeps usage records "
                    + "a key appears at most as its name or a short one-way hash.");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern SAFE_HREF =
            Pattern.compile("(https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/%-]*)?|mailto:[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+)");

    private final GatewayConfig config;
    private volatile Lazy<Assembled> assembled;

    WebPages(GatewayConfig config) {
        this.config = config;
        this.assembled = Lazy.create(() -> assemble(config));
    }

    /**
     * The pages of a reloaded configuration: its models, and the key its users need (their own OpenRouter key, or
     * one of the gateway's when it has {@code auth.keys}). The instance URL stays the start's, as the server's does.
     */
    void reconfigure(GatewayConfig next) {
        assembled = Lazy.create(() -> assemble(next));
    }

    /** The three pages of this instance, the instance URL still a placeholder. */
    private record Assembled(HtmlPage landing, HtmlPage terms, HtmlPage privacy) {
    }

    private static Assembled assemble(GatewayConfig config) {
        String layout = template("layout.html");
        // What stays the same for every request is filled in here, escaped once; the key's words first, since
        // they hold the upstream's host in their turn.
        Map<String, String> instance = new LinkedHashMap<>(config.auth().required() ? GATEWAY_KEY : OWN_KEY);
        instance.putAll(Map.of(
                "@MODEL_OPUS@", HtmlPage.escape(config.models().opus()),
                "@MODEL_SONNET@", HtmlPage.escape(config.models().sonnet()),
                "@MODEL_HAIKU@", HtmlPage.escape(config.models().haiku()),
                "@UPSTREAM_HOST@", HtmlPage.escape(UrlHosts.host(config.upstreamBaseUrl())),
                "@OPERATOR@", operator(config.operator()),
                "@SOURCE@", config.operator().sourceUrl() == null ? ""
                        : " (" + link(config.operator().sourceUrl(), "source") + ")"));
        return new Assembled(
                HtmlPage.assemble(layout, "ccrouter — Claude Code on OpenRouter", template("landing.html"), instance),
                HtmlPage.assemble(layout, "ccrouter — Terms of use", template("terms.html"), instance),
                HtmlPage.assemble(layout, "ccrouter — Privacy", template("privacy.html"), instance));
    }

    void landing(ServerRequest req, ServerResponse res) {
        send(assembled.get().landing(), req, res);
    }

    void terms(ServerRequest req, ServerResponse res) {
        send(assembled.get().terms(), req, res);
    }

    void privacy(ServerRequest req, ServerResponse res) {
        send(assembled.get().privacy(), req, res);
    }

    private void send(HtmlPage page, ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        res.header("Content-Security-Policy", page.contentSecurityPolicy());
        res.header("X-Content-Type-Options", "nosniff");
        res.header("Referrer-Policy", "no-referrer");
        // The body depends on these request headers: a cache in front must neither share nor keep it.
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(HeaderNames.VARY, "Host, X-Forwarded-Host, X-Forwarded-Proto");
        String instanceUrl = InstanceUrl.from(req, config);
        res.send(page.render(instanceUrl).replace(LOOPBACK_WARNING, isLoopback(instanceUrl) ? WARNING : "")
                .getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A loopback URL works for someone on the machine itself and for nobody else: not for a colleague, and not for
     * a CI runner, whose commands on this page would silently point at themselves.
     */
    static boolean isLoopback(String instanceUrl) {
        String host = URI.create(instanceUrl).getHost();
        return host != null && (host.equals("localhost") || host.endsWith(".localhost") || host.startsWith("127.")
                || host.equals("[::1]") || host.equals("::1"));
    }

    /** "its operator", else the configured name, with a link to the contact when it is an e-mail address or URL. */
    static String operator(GatewayConfig.Operator operator) {
        String name = operator.name() == null ? "its operator" : HtmlPage.escape(operator.name());
        if (operator.contact() == null) {
            return name;
        }
        String contact = operator.contact();
        String href = EMAIL.matcher(contact).matches() ? "mailto:" + contact : contact;
        return name + " (" + link(href, contact) + ")";
    }

    /** A link when {@code href} is a plain http(s) or mailto address, else just the escaped text. */
    private static String link(String href, String text) {
        if (!SAFE_HREF.matcher(href).matches()) {
            return HtmlPage.escape(text);
        }
        return "<a href=\"" + HtmlPage.escape(href) + "\">" + HtmlPage.escape(text) + "</a>";
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
