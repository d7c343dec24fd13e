package dev.ccrouter.server;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A response's output on which every write must make progress. A client that stays connected but reads nothing
 * fills its TCP window, and a blocking write to it would then wait forever, holding the handler's thread, the
 * connection and whatever the answer took to build. Each write is handed to the socket in slices, and the
 * connection's {@link ConnectionWatch} is told when each slice starts and ends: a slice not taken within the
 * write-stall bound (the body timeout) makes the edge's watchdog close the connection, which fails the write.
 *
 * <p>A slice is small ({@value #SLICE} bytes), so the bound applies to the client's progress, not to the whole
 * answer: a client that reads, however slowly, is never cut off, while one that reads nothing is, whatever the size
 * of what it was sent.
 */
final class StallBoundedOutput extends OutputStream {
    static final int SLICE = 64 * 1024;

    private final OutputStream out;
    private final ConnectionWatch watch;

    StallBoundedOutput(OutputStream out, ConnectionWatch watch) {
        this.out = out;
        this.watch = watch;
    }

    @Override
    public void write(int b) throws IOException {
        bounded(() -> out.write(b));
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        for (int at = offset, end = offset + length; at < end; at += SLICE) {
            int from = at;
            bounded(() -> out.write(bytes, from, Math.min(SLICE, end - from)));
        }
    }

    @Override
    public void flush() throws IOException {
        bounded(out::flush);
    }

    /** Ends the response (a stream's last chunk goes out here), under the same bound. */
    @Override
    public void close() throws IOException {
        bounded(out::close);
    }

    private void bounded(Write write) throws IOException {
        watch.writeStarted(System.nanoTime());
        try {
            write.run();
        } finally {
            watch.writeEnded();
        }
    }

    /** One blocking write to the client. */
    @FunctionalInterface
    private interface Write {
        void run() throws IOException;
    }
}
