package dev.ccrouter.upstream;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Makes "read timeout" mean what it says for a response body: the longest silence tolerated between two arrivals,
 * once. The socket's own timeout is not enough — the HTTP client may retry a timed-out read, which stretched a
 * one-minute timeout to two or three. A virtual thread watches the body while it is read; when nothing arrived for
 * the whole limit it closes the response, and the blocked read fails as a {@link SocketTimeoutException}.
 */
final class SilenceWatch {
    private final long limitNanos;
    private final Runnable abort;
    private volatile long lastArrival = System.nanoTime();
    private volatile boolean expired;
    private volatile boolean done;
    private Thread watcher;

    private SilenceWatch(Duration limit, Runnable abort) {
        this.limitNanos = limit.toNanos();
        this.abort = abort;
    }

    /** The body, watched: silence longer than {@code limit} closes it through {@code abort}. */
    static WatchedBody watch(InputStream body, Duration limit, Runnable abort) {
        SilenceWatch watch = new SilenceWatch(limit, abort);
        watch.watcher = Thread.ofVirtual().name("ccrouter-upstream-silence").unstarted(watch::run);
        watch.watcher.start();
        return watch.new WatchedBody(body);
    }

    private void run() {
        while (!done) {
            long silent = System.nanoTime() - lastArrival;
            if (silent >= limitNanos) {
                expired = true;
                abort.run();
                return;
            }
            LockSupport.parkNanos(limitNanos - silent);
        }
    }

    /** The body ended or failed: the watcher leaves now rather than at its next deadline, letting go of it. */
    private void finish() {
        done = true;
        LockSupport.unpark(watcher);
    }

    /** The body under watch. */
    final class WatchedBody extends FilterInputStream {
        private WatchedBody(InputStream in) {
            super(in);
        }

        /** Stops watching without touching the body (closing a body may drain it, which an abort must not wait for). */
        void release() {
            finish();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                int read = in.read(buffer, offset, length);
                lastArrival = System.nanoTime();
                if (read < 0) {
                    finish();
                }
                return read;
            } catch (IOException | RuntimeException e) {
                finish();
                if (expired) {
                    throw new SocketTimeoutException("the upstream sent nothing for " + limitNanos / 1_000_000 + " ms");
                }
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            finish();
            super.close();
        }
    }
}
