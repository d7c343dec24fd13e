package dev.ccrouter.upstream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** One response from a provider: status, headers, and a body to read as it arrives. Close it to cancel. */
public final class UpstreamResponse implements AutoCloseable {
    /** What may be left after the last event (the chunked terminator, a blank line): read to reuse the connection. */
    private static final int LEFTOVER_LIMIT = 16 * 1024;

    private final ResponseHead head;
    private final ResponseBody body;
    /** The body, once {@link #peekBody} has read it. */
    private byte[] peeked;

    UpstreamResponse(ResponseHead head, ResponseBody body) {
        this.head = head;
        this.body = body;
    }

    public int status() {
        return head.status();
    }

    /** A header's first value, or null. */
    public String header(String name) {
        return head.header(name);
    }

    /**
     * The body as it arrives; reading blocks only the calling (virtual) thread, and a read that waits longer than
     * the read timeout fails with a {@link java.net.SocketTimeoutException}.
     */
    public InputStream body() {
        return peeked != null ? new ByteArrayInputStream(peeked) : body;
    }

    /**
     * Has {@code action} run before each read of the body from the network (which may wait), until the body ends:
     * where a relay sends on what it translated from the bytes read so far.
     */
    public void beforeReading(Runnable action) {
        body.beforeReading(action);
    }

    /**
     * Reads a whole (non-streaming) body, up to {@code limit} bytes, and keeps it: {@link #readBody} and
     * {@link #body()} give it again. For an error answer looked at before it is relayed.
     */
    public byte[] peekBody(int limit) throws IOException {
        if (peeked == null) {
            peeked = readBody(limit);
        }
        return peeked;
    }

    /** Reads a whole (non-streaming) body, up to {@code limit} bytes. */
    public byte[] readBody(int limit) throws IOException {
        if (peeked != null) {
            return peeked.length <= limit ? peeked : Arrays.copyOf(peeked, limit);
        }
        try (InputStream in = body) {
            long declared = body.declaredRemaining();
            // A declared length is read into an array of that size: no 16 KB read buffer and copy per response.
            return in.readNBytes(declared >= 0 && declared < limit ? (int) declared : limit);
        }
    }

    /** Set once the body's end is read by a thread of its own ({@link #finishReadingAside}). */
    private volatile boolean readingAside;

    /**
     * {@link #finishReading()} on a virtual thread of its own when the body has not ended yet, so that the handler
     * returns at once: the client's connection serves its next request while an upstream that holds back its last bytes
     * (up to the read timeout) is waited for aside.
     */
    public void finishReadingAside() {
        if (!body.ended()) {
            readingAside = true; // the caller's close() must not abort it: the reading thread releases the connection
            Thread.ofVirtual().name("ccrouter-upstream-drain").start(this::finishReading);
        }
    }

    /**
     * Reads what little is left after the last event (the chunked terminator), so the keep-alive connection goes back
     * to the pool instead of being closed: a new TCP connection per request would cost more than the whole
     * translation. Gives up (and the connection is closed) if more than a few KB remain.
     */
    public void finishReading() {
        if (body.ended()) {
            return; // the usual case: the last event's read took the body's end too, and the connection is back
        }
        try {
            // Read into a small sink, not readNBytes: that zeroes a 16 KB array per call (2 % of a stream's CPU).
            byte[] sink = new byte[256];
            int read = 0;
            for (int n; read < LEFTOVER_LIMIT
                    && (n = body.read(sink, 0, Math.min(sink.length, LEFTOVER_LIMIT - read))) >= 0; ) {
                read += n;
            }
            if (read == LEFTOVER_LIMIT || !body.ended()) {
                body.close();
            }
        } catch (IOException | RuntimeException e) {
            body.close();
        }
    }

    /**
     * Releases the connection. Called while the body is still being read (the client went away) it aborts the
     * transfer, which is what stops generation — and billing — at most providers. A body being read aside
     * ({@link #finishReadingAside}) is left to that reading, which releases or closes the connection itself.
     */
    @Override
    public void close() {
        if (readingAside) {
            return;
        }
        body.close();
    }
}
