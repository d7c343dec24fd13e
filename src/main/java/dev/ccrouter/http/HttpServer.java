package dev.ccrouter.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 server: one platform thread accepts, and each connection is served on a virtual thread of its own
 * ({@link Http1Connection}), with {@code TCP_NODELAY} set so that a response's last bytes leave at once.
 *
 * <p>At most {@code maxConnections} connections are open at once; beyond that the server stops accepting, and new
 * clients wait in the listen backlog. Stopping closes the listener and the idle connections at once, lets requests
 * in progress finish for the grace period, then closes the rest.
 */
public final class HttpServer {
    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    private static final int BACKLOG = 1024;
    /** After the accept fails for want of descriptors, how long at most before it is tried again. */
    private static final long ACCEPT_RETRY_MILLIS = 100;
    /**
     * How long a stop waits for the handlers it cut off to end: interrupted, their sockets closed, they end within
     * milliseconds; one that ignores both is left behind.
     */
    static final Duration UNWIND = Duration.ofSeconds(2);

    private final String host;
    private final int requestedPort;
    private final Routing routing;
    private final ConnectionGate gate;
    private final Crowd crowd;
    private final Semaphore connectionSlots;
    private final Duration shutdownGrace;
    private final Set<Http1Connection> connections = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition connectionEnded = lock.newCondition();
    private volatile Runnable onListenerLost = () -> { };
    private volatile boolean stopping;
    private ServerSocketChannel listener;
    private Thread acceptor;
    private int port;

    private HttpServer(Builder builder) {
        this.host = builder.host;
        this.requestedPort = builder.port;
        this.routing = builder.routing;
        this.gate = builder.gate;
        this.crowd = builder.crowd;
        this.connectionSlots = new Semaphore(builder.maxConnections);
        this.shutdownGrace = builder.shutdownGrace;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds and starts accepting.
     *
     * @throws UncheckedIOException when the address cannot be listened on (in use, or not this machine's)
     */
    public HttpServer start() {
        try {
            listener = ServerSocketChannel.open();
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(new InetSocketAddress(host, requestedPort), BACKLOG);
            port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
        } catch (IOException e) {
            closeListener();
            throw new UncheckedIOException(e);
        }
        acceptor = Thread.ofPlatform().name("ccrouter-accept").daemon().start(this::acceptLoop);
        return this;
    }

    /** The bound port (the one chosen when asked for port 0). */
    public int port() {
        return port;
    }

    /** Runs if the listener stops without being asked to, so that a supervisor can restart the process. */
    public void onListenerLost(Runnable action) {
        this.onListenerLost = action;
    }

    /** Connections open now. */
    public int openConnections() {
        return connections.size();
    }

    private void acceptLoop() {
        boolean warned = false;
        while (!stopping) {
            try {
                connectionSlots.acquire();
            } catch (InterruptedException e) {
                break;
            }
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                connectionSlots.release();
                break;
            } catch (IOException e) {
                // Out of descriptors (EMFILE) or a connection reset before it was accepted: wait, then go on.
                connectionSlots.release();
                if (!warned) {
                    LOG.warn("accepting a connection failed ({}); retrying", e.getMessage());
                    warned = true;
                }
                awaitConnectionEnd(TimeUnit.MILLISECONDS.toNanos(ACCEPT_RETRY_MILLIS));
                continue;
            }
            warned = false;
            serve(channel);
        }
        if (!stopping) {
            LOG.error("the listening socket stopped unexpectedly; no new connection can be accepted");
            onListenerLost.run();
        }
    }

    private void serve(SocketChannel channel) {
        Http1Connection connection;
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            connection = new Http1Connection(this, channel);
        } catch (IOException e) {
            closeQuietly(channel);
            connectionSlots.release();
            return;
        }
        connections.add(connection);
        if (stopping) { // accepted as the listener closed: stop() may have looked at the connections already
            connections.remove(connection);
            connection.close();
            connectionSlots.release();
            return;
        }
        Thread.ofVirtual().name("ccrouter-connection").start(connection);
    }

    /**
     * Waits until a connection ends (its descriptor free again) or {@code nanos} pass; an interrupt (the stop) ends the
     * wait and stays set, for the accept loop to see.
     */
    private void awaitConnectionEnd(long nanos) {
        lock.lock();
        try {
            connectionEnded.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** A connection's thread ends. */
    void ended(Http1Connection connection) {
        if (connections.remove(connection)) {
            connectionSlots.release();
        }
        lock.lock();
        try {
            connectionEnded.signalAll();
        } finally {
            lock.unlock();
        }
    }

    Routing routing() {
        return routing;
    }

    ConnectionGate gate() {
        return gate;
    }

    Crowd crowd() {
        return crowd;
    }

    boolean stopping() {
        return stopping;
    }

    /**
     * Stops accepting, closes idle connections, waits up to the grace period for the requests in progress (streams
     * included), then cuts off what is left (its sockets closed, its handlers interrupted) and waits up to
     * {@link #UNWIND} more for those handlers to end: what a handler does as it ends (a request's record of what it
     * cost) must not run after whatever the caller closes next.
     *
     * @return how many connections were cut off
     */
    public int stop() {
        stopping = true;
        closeListener();
        if (acceptor != null) {
            acceptor.interrupt();
            try {
                acceptor.join(TimeUnit.SECONDS.toMillis(1)); // no connection is added once it has ended
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        connections.removeIf(Http1Connection::closeIfIdle);
        // A busy connection, once its exchange ends, sees the server stopping and ends itself.
        awaitNoConnections(shutdownGrace);
        int cutOff = 0;
        for (Http1Connection connection : connections) {
            connection.cutOff();
            cutOff++;
        }
        awaitNoConnections(UNWIND);
        return cutOff;
    }

    /**
     * Waits until every connection has ended or {@code atMost} has passed. Each end signals; the check is made under
     * the lock the signal takes, so an end between the check and the wait is not missed.
     */
    private void awaitNoConnections(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        lock.lock();
        try {
            for (long left; !connections.isEmpty() && (left = deadline - System.nanoTime()) > 0; ) {
                connectionEnded.await(left, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void closeListener() {
        if (listener != null) {
            closeQuietly(listener);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing is all that was asked
        }
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Routing routing = Routing.builder().build();
        private ConnectionGate gate = ConnectionGate.OPEN;
        private Crowd crowd = new Crowd();
        private int maxConnections = 10_000;
        private Duration shutdownGrace = Duration.ofSeconds(10);

        private Builder() {
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder routing(Routing routing) {
            this.routing = routing;
            return this;
        }

        public Builder gate(ConnectionGate gate) {
            this.gate = gate;
            return this;
        }

        /** Counts the server's exchanges in progress; shared with what else waits on sockets for them. */
        public Builder crowd(Crowd crowd) {
            this.crowd = crowd;
            return this;
        }

        public Builder maxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
            return this;
        }

        public Builder shutdownGrace(Duration grace) {
            this.shutdownGrace = grace;
            return this;
        }

        public HttpServer build() {
            return new HttpServer(this);
        }
    }
}
