package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import dev.ccrouter.testing.SetupCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The landing, terms and privacy pages as the real server sends them, for each way it learns its own URL. */
class WebPagesTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static FakeUpstream upstream;
    static RunningGateway gateway;

    @BeforeAll
    static void start() {
        upstream = FakeUpstream.start();
        // As behind a reverse proxy on the same machine: its forwarded headers and public Host names are believed.
        gateway = RunningGateway.start(upstream,
                config -> config.withEdge(config.edge().withTrustedProxies(List.of("127.0.0.1"))));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        upstream.close();
    }

    @Test
    void landingPageIsSelfContainedHtmlUnderAStrictPolicy() throws Exception {
        HttpResponse<String> page = get(gateway, "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("x-content-type-options")).contains("nosniff");
        assertThat(page.headers().firstValue("cache-control")).contains("no-cache");
        assertThat(page.headers().firstValue("vary")).contains("Host, X-Forwarded-Host, X-Forwarded-Proto");
        assertThat(page.headers().firstValue("content-security-policy")).contains(
                "default-src 'none'; script-src 'sha256-" + sha256(inline("script", page.body()))
                        + "'; style-src 'sha256-" + sha256(inline("style", page.body()))
                        + "'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
        assertThat(page.body()).doesNotContain("@INSTANCE_URL@", "@MODEL_", "@UPSTREAM_HOST@", "@TITLE@", "@CONTENT@")
                .as("no external resource").doesNotContain(" src=", "<link rel=\"stylesheet\"", "@import", "url(");
    }

    @Test
    void commandsUseTheHostTheBrowserAskedFor() throws Exception {
        SetupCommands.assertShownFor(get(gateway, "/").body(), gateway.baseUrl());
    }

    @Test
    void commandsUseTheUrlAReverseProxyForwards() throws Exception {
        String body = get(gateway, "/", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "cc.example.com, 10.0.0.7").body();
        SetupCommands.assertShownFor(body, "https://cc.example.com");
    }

    @Test
    void commandsUseTheConfiguredPublicUrlWhateverTheHeadersSay() throws Exception {
        try (RunningGateway configured = RunningGateway.start(upstream,
                config -> config.withPublicUrl("https://ccrouter.example.com/team"))) {
            String body = get(configured, "/", "X-Forwarded-Proto", "http", "X-Forwarded-Host", "proxy.example.com").body();
            SetupCommands.assertShownFor(body, "https://ccrouter.example.com/team");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"cc.example.com$(id)", "x';id;'y", "under_score&amp;.example"})
    void hostileHostHeaderIsNeverEchoed(String host) throws Exception {
        String response = rawGet("/", host);
        assertThat(response).startsWith("HTTP/1.1 200 OK").doesNotContain(host);
        SetupCommands.assertShownFor(response, "http://127.0.0.1:" + gateway.port());
    }

    @Test
    void markupInTheHostHeaderIsRefusedBeforeAnyPage() throws Exception {
        // Helidon's own Host validation answers 400 first; InstanceUrl would ignore the value as well.
        assertThat(rawGet("/", "evil.example\"><script>alert(1)</script>")).startsWith("HTTP/1.1 400 Bad Request");
    }

    /** Bracketed, so it passes for an IPv6 literal, but it is none: no URL can be made of it. */
    @ParameterizedTest
    @ValueSource(strings = {"[1.2]", "[::::::]", "[:]"})
    void bracketedHostThatIsNoIpv6AddressIsIgnoredNotA500(String host) throws Exception {
        HttpResponse<String> page = get(gateway, "/", "X-Forwarded-Host", host);
        assertThat(page.statusCode()).isEqualTo(200);
        SetupCommands.assertShownFor(page.body(), gateway.baseUrl());
        HttpResponse<String> script = get(gateway, "/install.sh", "X-Forwarded-Host", host);
        assertThat(script.body()).doesNotContain(host);
    }

    @Test
    void hostileForwardedHostFallsBackToTheHostHeader() throws Exception {
        String body = get(gateway, "/", "X-Forwarded-Host", "x\"><img src=x onerror=alert(1)>",
                "X-Forwarded-Proto", "javascript").body();
        assertThat(body).doesNotContain("onerror", "javascript:");
        SetupCommands.assertShownFor(body, gateway.baseUrl());
    }

    @Test
    void instanceFactsAreShown() throws Exception {
        String body = get(gateway, "/").body();
        assertThat(body).contains("<tr><td><code>opus</code></td><td><code>anthropic/claude-opus-4.6</code></td>",
                "<tr><td><code>haiku</code></td><td><code>anthropic/claude-haiku-4.5</code></td>",
                "This instance forwards to <code>127.0.0.1</code>.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/terms", "/privacy"})
    void termsAndPrivacyNameTheInstance(String path) throws Exception {
        HttpResponse<String> page = get(gateway, path, "X-Forwarded-Proto", "https", "X-Forwarded-Host", "cc.example.com");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(
                csp -> assertThat(csp).startsWith("default-src 'none'; script-src 'sha256-"));
        assertThat(page.body()).contains("This instance, <code>https://cc.example.com</code>, is ")
                .contains("<a href=\"https://cc.example.com/\">Setup</a>");
    }

    @Test
    void headOfTheRootStillAnswers200ForClaudeCodesProbe() throws Exception {
        HttpResponse<Void> head = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
    }

    static String inline(String element, String html) {
        Matcher inline = Pattern.compile("<" + element + ">(.*?)</" + element + ">", Pattern.DOTALL).matcher(html);
        assertThat(inline.find()).as("an inline <%s>", element).isTrue();
        return inline.group(1);
    }

    static String sha256(String text) throws Exception {
        return Base64.getEncoder().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static HttpResponse<String> get(RunningGateway target, String path, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + path));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A request with a Host header of our choosing, which the JDK's client refuses to send; head and body as text. */
    static String rawGet(String path, String host) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", gateway.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                int next = in.read();
                if (next < 0) {
                    break;
                }
                head.append((char) next);
            }
            Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
            int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : 0;
            return head + new String(in.readNBytes(bodyLength), StandardCharsets.UTF_8);
        }
    }
}
