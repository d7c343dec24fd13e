package dev.ccrouter.server;

import java.io.FileDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SocketChannel;

/**
 * Tells whether the client of a server socket has closed its side, without reading from it or writing to it: a
 * non-blocking {@code poll} of the socket's descriptor, through the JDK's own one-descriptor poll
 * ({@code sun.nio.ch.Net}). A socket that is readable with no byte to read has reached its end (the client's FIN) or
 * an error (its reset): the client is gone. Nothing is consumed (a byte that did arrive stays for the connection's
 * next read), no thread waits, and a look costs one system call, so the watchdog can look at every watched connection
 * each tick — streams included, which then need no liveness writes (16,000 a second at 4,000 quiet streams, most of a
 * busy gateway's CPU).
 *
 * <p>It needs {@code java.base}'s {@code sun.nio.ch} opened to this code ({@code Add-Opens} in the jar's manifest).
 * Where that is closed (the jar's classes started without its manifest, another JDK), departures are noticed at the
 * next write to the client only, and streams keep their clients with liveness writes.
 */
final class DepartureProbe {
    private static final Poll POLL = Poll.open();

    private DepartureProbe() {
    }

    /** Whether departures are noticed by polling here, at no cost while nothing happens. */
    static boolean polls() {
        return POLL != null;
    }

    /** Whether the client has closed its side (or reset the connection); false where sockets cannot be polled. */
    static boolean departed(SocketChannel channel) {
        return POLL != null && POLL.departed(channel);
    }

    /** The JDK's non-blocking poll of one socket's descriptor. */
    private record Poll(MethodHandle descriptor, MethodHandle pollNow, MethodHandle available,
                        int readable) {
        /** Null when {@code java.base} does not open {@code sun.nio.ch} to this code (or is another JDK's). */
        static Poll open() {
            try {
                Class<?> net = Class.forName("sun.nio.ch.Net");
                Class<?> selectable = Class.forName("sun.nio.ch.SelChImpl");
                MethodHandles.Lookup jdk = MethodHandles.privateLookupIn(net, MethodHandles.lookup());
                return new Poll(
                        jdk.findVirtual(selectable, "getFD", MethodType.methodType(FileDescriptor.class))
                                .asType(MethodType.methodType(FileDescriptor.class, Object.class)),
                        jdk.findStatic(net, "pollNow", MethodType.methodType(int.class, FileDescriptor.class, int.class)),
                        jdk.findStatic(net, "available", MethodType.methodType(int.class, FileDescriptor.class)),
                        (short) jdk.findStaticVarHandle(net, "POLLIN", short.class).get());
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }

        /**
         * Readable with nothing to read: the end of the stream or an error. A byte that arrived (a client sending its
         * next request early) leaves the socket readable with something to read: still there.
         */
        boolean departed(SocketChannel channel) {
            if (!channel.isOpen()) {
                return true;
            }
            try {
                FileDescriptor fd = (FileDescriptor) descriptor.invokeExact((Object) channel);
                return (int) pollNow.invokeExact(fd, readable) != 0 && (int) available.invokeExact(fd) == 0;
            } catch (Throwable e) {
                if (e instanceof Error error) {
                    throw error;
                }
                return true; // an IOException: the descriptor was closed meanwhile, the connection is over
            }
        }
    }
}
