package dev.ccrouter.server;

import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PlainSocket;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.net.SocketException;

/**
 * Readies Helidon's own departure probe ({@link HelidonSocket#idle()}: a background read of one byte, whose end of
 * stream marks the socket closed) on a blocking server socket. The probe gives up after the socket's read timeout;
 * Helidon sets none on server sockets, and with none it gives up after 101 ms — reporting the client gone and failing
 * the connection's next read. So the socket gets a read timeout far beyond any wait first; the edge bounds request
 * reads itself. Helidon offers no accessor for the socket, hence the private field, looked up once.
 */
final class DepartureProbe {
    private static final VarHandle SOCKET = socketField();

    private DepartureProbe() {
    }

    /** Starts the probe; false when this socket cannot be probed (then departures go unnoticed until a write). */
    static boolean start(HelidonSocket socket) {
        if (SOCKET == null || !(socket instanceof PlainSocket plain)) {
            return false;
        }
        try {
            ((Socket) SOCKET.get(plain)).setSoTimeout(Integer.MAX_VALUE);
        } catch (SocketException e) {
            return false;
        }
        socket.idle();
        return true;
    }

    private static VarHandle socketField() {
        try {
            return MethodHandles.privateLookupIn(PlainSocket.class, MethodHandles.lookup())
                    .findVarHandle(PlainSocket.class, "delegate", Socket.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another Helidon version: departures are noticed at the next write only
        }
    }
}
