package dev.ccrouter.install;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.testing.RunningGateway;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/** A running gateway and the installer it serves, saved to a file, as a user's {@code curl} would get it. */
final class ServedInstaller implements AutoCloseable {
    final String url;
    final Path script;
    private final RunningGateway gateway;

    private ServedInstaller(RunningGateway gateway, Path script) {
        this.gateway = gateway;
        this.url = gateway.baseUrl();
        this.script = script;
    }

    static ServedInstaller fetch(Path dir) throws IOException, InterruptedException {
        return fetch(dir, config -> config);
    }

    /** The installer of a gateway configured by {@code adjust}. */
    static ServedInstaller fetch(Path dir, UnaryOperator<GatewayConfig> adjust) throws IOException, InterruptedException {
        RunningGateway gateway = RunningGateway.start("http://127.0.0.1:9/v1", adjust);
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/install.sh")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return new ServedInstaller(gateway, Files.writeString(dir.resolve("install.sh"), response.body()));
    }

    @Override
    public void close() {
        gateway.close();
    }
}
