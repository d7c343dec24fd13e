package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.RunningGateway;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code GET /install.sh} from the real server: which URL it writes into the script, and that no header value a client
 * chooses gets into it unless it is a plain host. Requests go over a plain socket because the JDK's HTTP client will
 * not send a {@code Host} of the test's choosing. {@link InstanceUrlTest} has the rule case by case.
 */
class InstallScriptEndpointTest {
    static RunningGateway gateway;
    static RunningGateway configuredGateway;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        // As behind a reverse proxy on the same machine: its forwarded headers and public Host names are believed.
        gateway = RunningGateway.start("http://127.0.0.1:9/v1", config -> config.withEdge(config.edge().withTrustedProxies(List.of("127.0.0.1"))));
        configuredGateway = RunningGateway.start("http://127.0.0.1:9/v1",
                config -> config.withPublicUrl("https://ccrouter.example.com/team"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
        configuredGateway.close();
    }

    record Reply(int status, Map<String, String> headers, String body) {
        /** The value the script assigns to INSTANCE_URL. */
        String instanceUrl() {
            return body.lines().filter(line -> line.startsWith("INSTANCE_URL="))
                    .map(line -> line.substring("INSTANCE_URL=".length())).findFirst().orElseThrow();
        }
    }

    /**
     * One HTTP/1.1 request with exactly these headers (name, value, name, value …). The body is read by its
     * {@code content-length}: the server answers {@code Connection: close} but leaves the closing to the client.
     */
    static Reply get(int port, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder request = new StringBuilder("GET /install.sh HTTP/1.1\r\n");
            for (int i = 0; i + 1 < headers.length; i += 2) {
                request.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
            }
            request.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            String[] head = readHead(in).split("\r\n");
            Map<String, String> names = new LinkedHashMap<>();
            for (int i = 1; i < head.length; i++) {
                int colon = head[i].indexOf(':');
                names.put(head[i].substring(0, colon).toLowerCase(Locale.ROOT), head[i].substring(colon + 1).strip());
            }
            byte[] body = new byte[Integer.parseInt(names.get("content-length"))];
            in.readFully(body);
            return new Reply(Integer.parseInt(head[0].split(" ")[1]), names, new String(body, StandardCharsets.UTF_8));
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside the response head: " + head);
            }
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        String text = head.toString(StandardCharsets.UTF_8);
        return text.substring(0, text.length() - 4);
    }

    @Test
    void hostHeaderGivesAnHttpUrlInAShellScriptThatIsNeverCached() throws IOException {
        Reply reply = get(gateway.port(), "Host", "ccrouter.lan:8787");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers()).containsEntry("content-type", "text/x-shellscript; charset=utf-8")
                .containsEntry("cache-control", "no-store");
        assertThat(reply.instanceUrl()).isEqualTo("'http://ccrouter.lan:8787'");
    }

    @ParameterizedTest(name = "{0} / {1} / {2} → {3}")
    @CsvSource(delimiter = '|', value = {
            "https       | ccrouter.example.com                  | 127.0.0.1:8787 | https://ccrouter.example.com",
            "https, http | ccrouter.example.com, proxy.local:80  | 127.0.0.1:8787 | https://ccrouter.example.com",
            "HTTPS       |                                       | gw.example.com | https://gw.example.com",
            "            | gw.example.com:8443                   | 127.0.0.1:8787 | http://gw.example.com:8443",
            "http        | [2001:db8::1]:8787                    | 127.0.0.1:8787 | http://[2001:db8::1]:8787",
    })
    void forwardedHeadersWinOverHost(String proto, String forwardedHost, String host, String expected) throws IOException {
        Reply reply = get(gateway.port(), "Host", host, "X-Forwarded-Proto", proto == null ? "" : proto,
                "X-Forwarded-Host", forwardedHost == null ? "" : forwardedHost);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.instanceUrl()).isEqualTo("'" + expected + "'");
    }

    @Test
    void configuredPublicUrlWinsOverEveryHeader() throws IOException {
        Reply reply = get(configuredGateway.port(), "Host", "127.0.0.1", "X-Forwarded-Proto", "http",
                "X-Forwarded-Host", "evil.example.com");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.instanceUrl()).isEqualTo("'https://ccrouter.example.com/team'");
    }

    /** Ignored rather than refused, so the script still works for whoever reached the server directly. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "X-Forwarded-Host  | x.example.com'; touch /tmp/ccrouter-pwned; '",
            "X-Forwarded-Host  | x.example.com$(touch /tmp/ccrouter-pwned)",
            "X-Forwarded-Host  | x.example.com/path",
            "X-Forwarded-Host  | user@x.example.com",
            "X-Forwarded-Proto | javascript",
            "X-Forwarded-Proto | https`id`",
    })
    void headerValuesThatAreNotAPlainHostNeverReachTheScript(String header, String value) throws Exception {
        Reply reply = get(gateway.port(), "Host", "127.0.0.1:8787", header, value);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).doesNotContain(value);
        assertThat(reply.instanceUrl()).isEqualTo("'http://127.0.0.1:8787'");
    }

    @Test
    void hostThatIsNotAPlainHostGivesTheLoopbackAddress() throws IOException {
        Reply reply = get(gateway.port(), "Host", "x.example.com;id");
        assertThat(reply.body()).doesNotContain("x.example.com;id");
        assertThat(reply.instanceUrl()).isEqualTo("'http://127.0.0.1:" + gateway.port() + "'");
    }

    @Test
    void scriptIsTheTemplateWithOnlyTheUrlFilledIn() throws IOException {
        String template;
        try (InputStream in = InstallScript.class.getResourceAsStream(InstallScript.RESOURCE)) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Reply reply = get(gateway.port(), "Host", "gw.example.com");
        assertThat(reply.body()).isEqualTo(template.replace(InstallScript.PLACEHOLDER, "http://gw.example.com")
                .replace(InstallScript.KEYS_PLACEHOLDER, "")); // no auth.keys: users bring their OpenRouter key
    }

    @Test
    void scriptIsValidBash() throws Exception {
        Bash check = bash(get(gateway.port(), "Host", "gw.example.com").body(), "-n");
        assertThat(check.exitCode()).as(check.output()).isZero();
    }

    /** {@code curl … | sh}: sh is dash on Debian and Ubuntu, which knows neither pipefail nor [[. */
    @Test
    void scriptRunBySaysItNeedsBash() throws Exception {
        Path file = Files.writeString(Files.createTempFile(dir, "script", ".sh"),
                get(gateway.port(), "Host", "gw.example.com").body());
        Process process = new ProcessBuilder("dash", file.toString(), "--help").redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).isEqualTo("ccrouter install: this installer needs bash, not sh: curl -fsSL "
                + "http://gw.example.com/install.sh | bash (or bash -c \"$(curl -fsSL http://gw.example.com/install.sh)\")\n");
    }

    record Bash(int exitCode, String output) {
    }

    /** {@code bash [option] script}, with no input; the output is stdout and stderr together. */
    private Bash bash(String script, String... options) throws Exception {
        Path file = Files.writeString(Files.createTempFile(dir, "script", ".sh"), script);
        List<String> command = new ArrayList<>(List.of("bash"));
        command.addAll(List.of(options));
        command.add(file.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new Bash(process.exitValue(), output);
    }
}
