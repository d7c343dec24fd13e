package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge's departure check on a real server socket, polled (the tests run with {@code java.base} opened to the
 * code, as the jar's manifest opens it): a connected client is there, one that sent a byte early is still there and
 * the byte still waits for the server's read, and one that closed or reset its connection is gone — all without a read.
 */
class DepartureProbeTest {
    ServerSocketChannel listener;
    Socket client;
    SocketChannel server;
    Socket accepted;

    @BeforeEach
    void connect() throws IOException {
        listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = new Socket(InetAddress.getLoopbackAddress(), listener.socket().getLocalPort());
        server = listener.accept(); // as the gateway's server accepts
        accepted = server.socket();
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        accepted.close();
        listener.close();
    }

    @Test
    void aConnectedClientIsThereAndItsSocketIsPolled() {
        assertThat(DepartureProbe.polls()).isTrue();
        assertThat(DepartureProbe.departed(server)).isFalse();
    }

    @Test
    void aClientThatSentAByteEarlyIsThereAndTheByteStaysUnread() throws IOException {
        client.getOutputStream().write('P');
        await().atMost(Duration.ofSeconds(5)).until(() -> accepted.getInputStream().available() == 1);

        assertThat(DepartureProbe.departed(server)).isFalse();
        assertThat(accepted.getInputStream().read()).isEqualTo('P');
    }

    @Test
    void aClientThatClosedItsConnectionIsGone() throws IOException {
        client.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> DepartureProbe.departed(server));
    }

    @Test
    void aClientThatResetItsConnectionIsGone() throws IOException {
        client.setSoLinger(true, 0); // close with a reset, as a killed client's kernel does for unread data
        client.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> DepartureProbe.departed(server));
    }
}
