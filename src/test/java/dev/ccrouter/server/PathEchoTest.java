package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.RunningGateway;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** docs/security.md: "A 404 names the path it did not find, with … anything shaped like a key replaced". */
class PathEchoTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String KEY = "sk-or-v1-inpath-5d7f9b1c3e5a7c9e1b3d5f7a9c1e3b5d";
    static FakeUpstream upstream;
    static RunningGateway gateway;

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

    @ParameterizedTest
    @ValueSource(strings = {"/v1/models/", "/dashboard/"})
    void aKeyInThePathOfA404IsNotEchoed(String prefix) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + prefix + KEY))
                .header("x-api-key", KEY).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).doesNotContain(KEY.substring(9));
    }
}
