package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.testing.RawClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue this answers: 1,100 connections against a 1,024-descriptor limit stopped Helidon's listener for good. Here
 * a real {@code ccrouter serve} runs under {@code ulimit -n 320} and 400 connections are held open against it; once
 * they are gone the same process answers {@code /health} again.
 */
@EnabledOnOs(OS.LINUX)
class DescriptorLimitTest {
    static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void moreConnectionsThanDescriptorsDoNotStopTheListener() throws Exception {
        Path config = dir.resolve("ccrouter.yaml");
        Files.writeString(config, """
                server:
                  header_timeout_seconds: 60
                  max_connections_per_client: 100000
                pricing:
                  refresh_minutes: 0
                """);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process serve = new ProcessBuilder("bash", "-c", "ulimit -n 320 && exec \"$0\" -cp \"$1\" dev.ccrouter.cli.Main "
                + "serve --port 0 --upstream http://127.0.0.1:9/v1 --config \"$2\" --data-dir \"$3\"",
                java, System.getProperty("java.class.path"), config.toString(), dir.resolve("data").toString())
                .redirectErrorStream(true).start();
        List<String> log = new CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> new BufferedReader(new InputStreamReader(serve.getInputStream(),
                StandardCharsets.UTF_8)).lines().forEach(log::add));
        List<RawClient> abusers = new ArrayList<>();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> log.stream().anyMatch(line -> LISTENING.matcher(line).find()));
            Matcher port = log.stream().map(LISTENING::matcher).filter(Matcher::find).findFirst().orElseThrow();
            int gatewayPort = Integer.parseInt(port.group(1));
            assertThat(health(gatewayPort)).isEqualTo(200);

            for (int i = 0; i < 400; i++) {
                abusers.add(RawClient.connect("127.0.0.40", gatewayPort).send("GET /health HTTP/1.1\r\n"));
            }
            abusers.forEach(RawClient::close);

            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> health(gatewayPort) == 200);
            assertThat(log).noneMatch(line -> line.contains("terminating") || line.contains("Too many open files"));
        } finally {
            abusers.forEach(RawClient::close);
            serve.destroy();
            serve.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static int health(int port) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
