package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The TLS context (the JDK's trust store, loaded and parsed) is made only for https providers, and once. */
class UpstreamTlsTest {
    private static final GatewayConfig CONFIG = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE);

    private final AtomicInteger contextsMade = new AtomicInteger();
    private final Supplier<SSLSocketFactory> countingContext = () -> {
        contextsMade.incrementAndGet();
        return (SSLSocketFactory) SSLSocketFactory.getDefault();
    };
    /** Accepts connections and closes them at once: every call to it fails, over http or in the TLS handshake. */
    private ServerSocket refuser;

    @BeforeEach
    void startRefuser() throws IOException {
        refuser = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!refuser.isClosed()) {
                try (Socket accepted = refuser.accept()) {
                    accepted.setSoLinger(true, 0);
                } catch (IOException closed) {
                    return;
                }
            }
        });
    }

    @AfterEach
    void stopRefuser() throws IOException {
        refuser.close();
    }

    @Test
    void aGatewayWhoseProvidersAreAllHttpMakesNoTlsContext() {
        try (UpstreamClient client = new UpstreamClient(CONFIG, countingContext)) {
            client.prepareTls(List.of(URI.create("http://127.0.0.1:9/v1/chat/completions")));
            assertThatThrownBy(() -> client.post(call("http"), new byte[0])).isInstanceOf(UpstreamException.class);
            assertThat(contextsMade).hasValue(0);
        }
    }

    @Test
    void anHttpsProviderHasItsContextMadeOnceTheServerListensBeforeAnyCall() {
        try (UpstreamClient client = new UpstreamClient(CONFIG, countingContext)) {
            client.prepareTls(List.of(URI.create("http://127.0.0.1:9/v1/chat/completions"),
                    URI.create("https://openrouter.ai/api/v1/chat/completions")));
            await().atMost(Duration.ofSeconds(10)).until(() -> contextsMade.get() == 1);
            assertThatThrownBy(() -> client.post(call("https"), new byte[0])).isInstanceOf(UpstreamException.class);
            assertThat(contextsMade).hasValue(1);
        }
    }

    @Test
    void anHttpsCallWithoutAnHttpsProviderAtStartMakesTheContextOnceThen() {
        try (UpstreamClient client = new UpstreamClient(CONFIG, countingContext)) {
            assertThatThrownBy(() -> client.post(call("https"), new byte[0])).isInstanceOf(UpstreamException.class);
            assertThatThrownBy(() -> client.post(call("https"), new byte[0])).isInstanceOf(UpstreamException.class);
            assertThat(contextsMade).hasValue(1);
        }
    }

    private UpstreamClient.Call call(String scheme) {
        return new UpstreamClient.Call(URI.create(scheme + "://127.0.0.1:" + refuser.getLocalPort()
                + "/v1/chat/completions"), null, null, false, UpstreamClient.Attribution.NONE);
    }
}
