package dev.ccrouter.upstream;

import io.helidon.webclient.api.HttpClientResponse;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** One response from the upstream: status, headers, and a body to read as it arrives. Close it to cancel. */
public final class UpstreamResponse implements AutoCloseable {
    private final HttpClientResponse response;
    private final Duration readTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();
    private SilenceWatch.WatchedBody body;

    UpstreamResponse(HttpClientResponse response, Duration readTimeout) {
        this.response = response;
        this.readTimeout = readTimeout;
    }

    public int status() {
        return response.status().code();
    }

    /** A header's first value, or null. */
    public String header(String name) {
        return response.headers().first(io.helidon.http.HeaderNames.create(name)).orElse(null);
    }

    /**
     * The body as it arrives; reading blocks only the calling (virtual) thread. A read that waits longer than the
     * read timeout fails with a {@link java.net.SocketTimeoutException}.
     */
    public InputStream body() {
        if (body == null) {
            body = SilenceWatch.watch(response.inputStream(), readTimeout, this::close);
        }
        return body;
    }

    /** Reads a whole (non-streaming) body, up to {@code limit} bytes. */
    public byte[] readBody(int limit) throws IOException {
        try (InputStream in = body()) {
            return in.readNBytes(limit);
        }
    }

    /**
     * Reads what little is left after the last event (the chunked terminator), so the keep-alive connection goes back
     * to the pool instead of being closed: a new TCP connection per request would cost more than the whole
     * translation. Gives up (and the connection is closed) if more than a few KB remain.
     */
    public void finishReading() {
        try (InputStream in = body()) {
            byte[] rest = in.readNBytes(16 * 1024);
            if (rest.length == 16 * 1024) {
                close();
            }
        } catch (IOException | RuntimeException e) {
            close();
        }
    }

    /**
     * Releases the connection. Called while the body is still being read (the client went away) it aborts the
     * transfer, which is what stops generation — and billing — at most providers.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            if (body != null) {
                body.release();
            }
            response.close();
        }
    }
}
