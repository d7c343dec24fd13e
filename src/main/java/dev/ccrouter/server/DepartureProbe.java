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
    private static final Class<?> PROBE_CLASS = socketPackageClass("IdleInputStream");
    private static final VarHandle SOCKET = field(PlainSocket.class, "delegate", Socket.class);
    private static final VarHandle PROBE = field(PlainSocket.class, "inputStream", PROBE_CLASS);
    private static final VarHandle PROBE_CANCELLED = field(PROBE_CLASS, "cancelled", boolean.class);

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

    /**
     * Ends a running probe within its current 101 ms read: the flag Helidon's own next read would set. Not waiting
     * for it (as that read does) keeps the caller, a response about to be written, from being held. Helidon's next
     * read of the connection then finds the probe done, and clears the flag for the next request's probe.
     */
    static void stop(HelidonSocket socket) {
        if (PROBE == null || PROBE_CANCELLED == null || !(socket instanceof PlainSocket plain)) {
            return;
        }
        PROBE_CANCELLED.setVolatile(PROBE.get(plain), true);
    }

    private static VarHandle field(Class<?> owner, String name, Class<?> type) {
        if (owner == null || type == null) {
            return null;
        }
        try {
            return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, name, type);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // another Helidon version: departures are noticed at the next write only
        }
    }

    /** A package-private class of Helidon's socket package (the probe's), or null in another Helidon version. */
    private static Class<?> socketPackageClass(String simpleName) {
        try {
            return Class.forName(PlainSocket.class.getPackageName() + "." + simpleName, false,
                    PlainSocket.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            return null;
        }
    }
}
