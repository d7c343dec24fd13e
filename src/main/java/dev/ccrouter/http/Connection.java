package dev.ccrouter.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/** One client connection, as the server's {@link ConnectionGate} and its watchers see it. */
public interface Connection {
    InetSocketAddress remotePeer();

    InetSocketAddress localPeer();

    /** The socket, for a watcher that polls it without reading (it is in blocking mode). */
    SocketChannel channel();

    /**
     * Writes a whole response of the watcher's own straight to the socket (a request that ran out of time: no handler
     * owns the exchange); the connection closes after it.
     */
    void writeRaw(byte[] response) throws IOException;

    /** Closes the socket; a read or write blocked on it fails at once. */
    void close();
}
