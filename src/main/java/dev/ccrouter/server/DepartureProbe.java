package dev.ccrouter.server;

import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PlainSocket;
import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.net.Socket;
import java.net.SocketException;

/**
 * Tells whether the client of a blocking server socket has closed its side, without reading from it or writing to it.
 *
 * <p>The way it prefers: a non-blocking {@code poll} of the socket's descriptor, through the JDK's own one-descriptor
 * poll ({@code sun.nio.ch.Net}). A socket that is readable with no byte to read has reached its end (the client's FIN)
 * or an error (its reset): the client is gone. Nothing is consumed (a byte that did arrive stays for Helidon's next
 * read), no thread waits, and a look costs one system call, so the watchdog can look at every watched connection each
 * tick — streams included, which then need no liveness writes (16,000 a second at 4,000 quiet streams, most of a busy
 * gateway's CPU). It needs {@code java.base}'s {@code sun.nio.ch} opened to this code ({@code Add-Opens} in the jar's
 * manifest), for the socket channel's descriptor and the poll.
 *
 * <p>Where that is closed (the jar's classes started without its manifest, another JDK): Helidon's own departure
 * probe ({@link HelidonSocket#idle()}: a background read of one byte, whose end of stream marks the socket closed).
 * That probe gives up after the socket's read timeout; Helidon sets none on server sockets, and with none it gives up
 * after 101 ms — reporting the client gone and failing the connection's next read. So the socket gets a read timeout
 * far beyond any wait first; the edge bounds request reads itself. It costs a timed-out read every 101 ms, an
 * exception each, so a stream stops it ({@link #stop}) and its writes notice a departure instead. Helidon offers no
 * accessor for either socket, hence the private fields, looked up once.
 */
final class DepartureProbe {
    private static final Class<?> PROBE_CLASS = socketPackageClass("IdleInputStream");
    private static final VarHandle SOCKET = field(PlainSocket.class, "delegate", Socket.class);
    private static final VarHandle PROBE = field(PlainSocket.class, "inputStream", PROBE_CLASS);
    private static final VarHandle PROBE_CANCELLED = field(PROBE_CLASS, "cancelled", boolean.class);
    private static final Poll POLL = Poll.open();

    private DepartureProbe() {
    }

    /** Whether departures from this socket are noticed by polling, at no cost while nothing happens. */
    static boolean polls(HelidonSocket socket) {
        return POLL != null && SOCKET != null && socket instanceof PlainSocket plain && POLL.covers(socketOf(plain));
    }

    private static Socket socketOf(PlainSocket socket) {
        return (Socket) SOCKET.get(socket);
    }

    /**
     * Starts noticing departures; false when this socket cannot be watched (then departures go unnoticed until a
     * write). A polled socket needs nothing started.
     */
    static boolean start(HelidonSocket socket) {
        if (polls(socket)) {
            return true;
        }
        if (SOCKET == null || !(socket instanceof PlainSocket plain)) {
            return false;
        }
        try {
            socketOf(plain).setSoTimeout(Integer.MAX_VALUE);
        } catch (SocketException e) {
            return false;
        }
        socket.idle();
        return true;
    }

    /** Whether the client has closed its side (or reset the connection) since {@link #start}. */
    static boolean departed(HelidonSocket socket) {
        if (polls(socket)) {
            return POLL.departed(socketOf((PlainSocket) socket));
        }
        return !socket.isConnected();
    }

    /**
     * Ends a running read probe within its current 101 ms read: the flag Helidon's own next read would set. Not
     * waiting for it (as that read does) keeps the caller, a response about to be written, from being held. Helidon's
     * next read of the connection then finds the probe done, and clears the flag for the next request's probe. A
     * polled socket has no probe to end.
     */
    static void stop(HelidonSocket socket) {
        if (polls(socket) || PROBE == null || PROBE_CANCELLED == null || !(socket instanceof PlainSocket plain)) {
            return;
        }
        PROBE_CANCELLED.setVolatile(PROBE.get(plain), true);
    }

    /** The JDK's non-blocking poll of one socket's descriptor (Helidon accepts from a channel: the channel's). */
    private record Poll(Class<?> selectable, MethodHandle descriptor, MethodHandle pollNow, MethodHandle available,
                        int readable) {
        /** Null when {@code java.base} does not open {@code sun.nio.ch} to this code (or is another JDK's). */
        static Poll open() {
            try {
                Class<?> net = Class.forName("sun.nio.ch.Net");
                Class<?> selectable = Class.forName("sun.nio.ch.SelChImpl");
                MethodHandles.Lookup jdk = MethodHandles.privateLookupIn(net, MethodHandles.lookup());
                return new Poll(selectable,
                        jdk.findVirtual(selectable, "getFD", MethodType.methodType(FileDescriptor.class))
                                .asType(MethodType.methodType(FileDescriptor.class, Object.class)),
                        jdk.findStatic(net, "pollNow", MethodType.methodType(int.class, FileDescriptor.class, int.class)),
                        jdk.findStatic(net, "available", MethodType.methodType(int.class, FileDescriptor.class)),
                        (short) jdk.findStaticVarHandle(net, "POLLIN", short.class).get());
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }

        /** Whether this socket's descriptor can be polled: it was accepted from a channel. */
        boolean covers(Socket socket) {
            return selectable.isInstance(socket.getChannel());
        }

        /**
         * Readable with nothing to read: the end of the stream or an error. A byte that arrived (a client sending its
         * next request early) leaves the socket readable with something to read: still there.
         */
        boolean departed(Socket socket) {
            if (socket.isClosed()) {
                return true;
            }
            try {
                FileDescriptor fd = (FileDescriptor) descriptor.invokeExact((Object) socket.getChannel());
                return (int) pollNow.invokeExact(fd, readable) != 0 && (int) available.invokeExact(fd) == 0;
            } catch (Throwable e) {
                if (e instanceof Error error) {
                    throw error;
                }
                return true; // an IOException: the descriptor was closed meanwhile, the connection is over
            }
        }
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
