package dev.ccrouter.server;

import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.http.Connection;
import dev.ccrouter.http.StatusLines;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;

/**
 * Where one client connection is in its request cycle, and until when it may stay there. {@link EdgeGuard}'s watchdog
 * reads it a few times a second and closes what overstays: a request whose head or body does not arrive in time is
 * answered 408 and closed; a connection idle between requests is closed without a word (an unasked-for response on
 * an idle keep-alive connection would confuse a client that reuses it).
 *
 * <p>Transitions come from the connection's own thread (the server's callbacks, the routing filter, the body reader) and
 * expiry from the watchdog's; both take this object's lock, so a request that completes just as its time runs out is
 * either served or cut off, never both.
 */
final class ConnectionWatch {
    private static final long NONE = Long.MAX_VALUE;
    /** After a 408 was written, how long the client gets to read it before the socket is closed under it. */
    private static final long LINGER_NANOS = 1_000_000_000L;

    enum Phase {
        /** Between requests, or before the first: no byte of a request yet. */
        IDLE,
        /** Some bytes of a request head arrived, not all of it. */
        HEAD,
        /** A handler is running: each write to the client is bounded (the body timeout), its body's reading too. */
        HANDLING,
        /** A handler is reading the body. */
        BODY,
        /** Cut off: a 408 is on its way and the socket closes after the linger. */
        EXPIRED
    }

    private final Connection connection;
    private final InetAddress client;
    /** Why this connection is refused (over a connection cap), or null when it was admitted. */
    private final AnthropicError refusal;
    private final EdgeGuard.Timeouts timeouts;
    private Phase phase = Phase.IDLE;
    private long deadline;
    private long expiredAt;
    /** The id of the request whose body is being read, for its 408 should the body not arrive in time. */
    private String bodyRequestId;
    /** Runs when the client closes its side while the handler waits on the upstream; null when not watched. */
    private Runnable onDeparture;
    /**
     * When the system call of a write under way started (the server tells, {@code ConnectionGate.Observer}); {@link
     * #NONE} between writes.
     */
    private long writingSince = NONE;

    ConnectionWatch(Connection connection, InetAddress client, AnthropicError refusal, EdgeGuard.Timeouts timeouts,
                    long now) {
        this.connection = connection;
        this.client = client;
        this.refusal = refusal;
        this.timeouts = timeouts;
        this.deadline = now + timeouts.idleNanos();
    }

    InetAddress client() {
        return client;
    }

    AnthropicError refusal() {
        return refusal;
    }

    boolean admitted() {
        return refusal == null;
    }

    /** Starts noticing the client's departure ({@link DepartureProbe}); nothing is watched where it cannot poll. */
    void watchDeparture(Runnable onDeparture) {
        if (!DepartureProbe.polls()) {
            return;
        }
        synchronized (this) {
            this.onDeparture = onDeparture;
        }
    }

    /** Whether departures are noticed by polling the socket (no probe to start or stop). */
    boolean polled() {
        return DepartureProbe.polls();
    }

    synchronized void stopWatchingDeparture() {
        onDeparture = null;
    }

    /** Called by the watchdog: runs the departure action once the client closed its side. */
    void checkDeparture() {
        Runnable departure;
        synchronized (this) {
            if (onDeparture == null || !DepartureProbe.departed(connection.channel())) {
                return;
            }
            departure = onDeparture;
            onDeparture = null;
        }
        departure.run();
    }

    /** The handler starts a write to the client; it must end within the write-stall bound (the body timeout). */
    synchronized void writeStarted(long now) {
        writingSince = now;
    }

    synchronized void writeEnded() {
        writingSince = NONE;
    }

    /** The first byte of a request head arrived; the rest of it must follow within the head timeout. */
    synchronized void headStarted(long now) {
        if (phase == Phase.IDLE) {
            phase = Phase.HEAD;
            deadline = now + timeouts.headNanos();
        }
    }

    /**
     * A handler is about to run; false when the request ran out of time just before (its 408 is on its way): the
     * handler must not run, nor answer.
     */
    synchronized boolean handlerStarted() {
        if (phase == Phase.EXPIRED) {
            return false;
        }
        if (phase == Phase.IDLE || phase == Phase.HEAD) {
            phase = Phase.HANDLING;
            deadline = NONE;
        }
        return true;
    }

    synchronized void bodyStarted(long now, String requestId) {
        if (phase == Phase.HANDLING) {
            phase = Phase.BODY;
            deadline = now + timeouts.bodyNanos();
            bodyRequestId = requestId;
        }
    }

    synchronized void bodyRead() {
        if (phase == Phase.BODY) {
            phase = Phase.HANDLING;
            deadline = NONE;
            bodyRequestId = null;
        }
    }

    /** Whether the request was cut off: its 408 is written (or being written) by the watchdog. */
    synchronized boolean expired() {
        return phase == Phase.EXPIRED;
    }

    /**
     * The handler is done; the connection waits for its next request (the server itself closes one whose response
     * said {@code Connection: close}, after letting its client read the answer).
     */
    synchronized void handlerFinished(long now) {
        if (phase == Phase.HANDLING || phase == Phase.BODY) {
            phase = Phase.IDLE;
            onDeparture = null;
            deadline = now + timeouts.idleNanos();
        }
    }

    /** Called by the watchdog: closes what overstayed its phase, answering 408 to a request not received in time. */
    void check(long now) {
        boolean answer = false;
        String requestId = null;
        synchronized (this) {
            if (phase == Phase.EXPIRED) {
                if (now - expiredAt > LINGER_NANOS) {
                    close();
                }
                return;
            }
            if (writingSince != NONE && now - writingSince >= timeouts.bodyNanos()) {
                // The client reads nothing and its TCP window is full: closing the socket (below) fails the stuck
                // write, and the handler ends the exchange as a client gone.
                writingSince = NONE;
            } else if (now - deadline < 0) {
                return;
            } else {
                answer = phase == Phase.HEAD || phase == Phase.BODY;
                // A handler reading the body has given its request an id, which it records the request under: the
                // client's 408 carries the same one. A head not received in time has none yet.
                requestId = phase == Phase.BODY && bodyRequestId != null ? bodyRequestId : Ids.next("req_");
                phase = Phase.EXPIRED;
                expiredAt = now;
            }
        }
        if (!answer) {
            close();
            return;
        }
        // The write may block on a client that reads nothing; a check after the linger closes the socket under it. A
        // client still sending gets the answer and the end of the stream, and the socket closes after the linger:
        // closed at once, the bytes still arriving would make the kernel reset the connection over the answer.
        String answered = requestId;
        Thread.ofVirtual().name("ccrouter-408").start(() -> {
            try {
                connection.writeRaw(requestTimeout(answered));
                connection.channel().shutdownOutput();
            } catch (IOException | RuntimeException e) {
                close(); // the client is gone or not reading, or a response is being written: closing is all left
            }
        });
    }

    private void close() {
        connection.close();
    }

    /** The error of a request not received in time, as its client gets it and the ledger records it. */
    static AnthropicError requestTimeout() {
        return new AnthropicError(408, ErrorType.INVALID_REQUEST,
                "Request timeout: the request was not received in time.", null);
    }

    /** A whole HTTP response written straight to the socket: no handler owns the exchange at this point. */
    private static byte[] requestTimeout(String requestId) {
        String body = requestTimeout().toEnvelope().put("request_id", requestId).toString();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return ("HTTP/1.1 408 Request Timeout\r\n" + new String(StatusLines.dateLine(), StandardCharsets.US_ASCII)
                + "Content-Type: application/json\r\nContent-Length: " + bytes.length
                + "\r\n" + ErrorResponses.REQUEST_ID.text() + ": " + requestId
                + "\r\n" + ErrorResponses.SHOULD_RETRY.text() + ": " + ErrorResponses.retryMayHelp(408)
                + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }
}
