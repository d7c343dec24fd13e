package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate the client trusts but issued for another name is refused before the request (and the provider's key
 * in it) is sent: otherwise anyone holding a valid certificate for any name — a network in the middle, a DNS answer
 * pointing elsewhere — would receive the key. The same server with a certificate for the name it is called by is
 * answered, so what is refused is the name.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UpstreamTlsHostnameTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static final String ANSWER = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";

    @TempDir
    Path dir;

    @Test
    void aTrustedCertificateForAnotherNameIsRefusedBeforeTheRequestIsSent() throws Exception {
        AtomicInteger requestsRead = new AtomicInteger();
        try (TlsUpstream upstream = new TlsUpstream(keyStore("dns:elsewhere.example"), requestsRead);
             UpstreamClient client = upstream.client()) {
            assertThatThrownBy(() -> client.post(upstream.call(), "{}".getBytes(StandardCharsets.UTF_8)).close())
                    .isInstanceOf(UpstreamException.class);
        }
        assertThat(requestsRead).hasValue(0);
    }

    @Test
    void aTrustedCertificateForTheNameCalledIsAnswered() throws Exception {
        AtomicInteger requestsRead = new AtomicInteger();
        try (TlsUpstream upstream = new TlsUpstream(keyStore("ip:127.0.0.1"), requestsRead);
             UpstreamClient client = upstream.client();
             UpstreamResponse response = client.post(upstream.call(), "{}".getBytes(StandardCharsets.UTF_8))) {
            assertThat(response.status()).isEqualTo(200);
        }
        assertThat(requestsRead).hasValue(1);
    }

    /** A self-signed key pair whose certificate names only {@code subjectAlternativeName} (keytool's SAN syntax). */
    private KeyStore keyStore(String subjectAlternativeName) throws Exception {
        Path store = dir.resolve("upstream.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "upstream", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=upstream", "-ext", "SAN=" + subjectAlternativeName, "-validity", "2",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        keytool.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertThat(keytool.waitFor()).as("keytool's exit status").isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        return keys;
    }

    /** An HTTPS server on 127.0.0.1 answering {@code {}} to each request it reads; the client trusts its certificate. */
    private static final class TlsUpstream implements AutoCloseable {
        private final SSLServerSocket server;
        private final SSLContext clientContext;

        TlsUpstream(KeyStore keys, AtomicInteger requestsRead) throws Exception {
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, PASSWORD);
            SSLContext serverContext = SSLContext.getInstance("TLS");
            serverContext.init(keyManagers.getKeyManagers(), null, null);
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keys); // trusted as any publicly issued certificate would be
            clientContext = SSLContext.getInstance("TLS");
            clientContext.init(null, trust.getTrustManagers(), null);
            server = (SSLServerSocket) serverContext.getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try (Socket socket = server.accept()) {
                        InputStream in = socket.getInputStream();
                        RawRequests.readPostOfEmptyObject(in);
                        requestsRead.incrementAndGet();
                        socket.getOutputStream().write(ANSWER.getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                    } catch (Exception refusedOrClosed) {
                        // a handshake the client refused, or the test's end
                    }
                }
            });
        }

        UpstreamClient client() {
            GatewayConfig config = new ConfigLoader(Map.of()).load(ConfigLoader.Flags.NONE)
                    .withReadTimeout(Duration.ofSeconds(5));
            return new UpstreamClient(config, clientContext::getSocketFactory);
        }

        UpstreamClient.Call call() {
            return new UpstreamClient.Call(URI.create("https://127.0.0.1:" + server.getLocalPort()
                    + "/v1/chat/completions"), "Authorization", "Bearer sk-or-v1-provider-key", false,
                    UpstreamClient.Attribution.NONE);
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }
}
