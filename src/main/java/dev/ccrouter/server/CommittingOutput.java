package dev.ccrouter.server;

import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A response's output whose {@link #close()} also commits the response: Helidon writes what it held back for the end
 * (the head and body of a response never flushed, sent then with a {@code Content-Length}; else the last chunk) when
 * the response is committed, which it otherwise does after the handler has returned. Committed here, that write
 * happens inside the handler, under the write-stall bound of the output wrapping this one, and a client that left
 * before it is noticed (and logged) like one that left during any other write.
 */
final class CommittingOutput extends OutputStream {
    private final ServerResponse response;
    private final OutputStream out;

    CommittingOutput(ServerResponse response) {
        this.response = response;
        this.out = response.outputStream();
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
        if (response instanceof RoutingResponse routing) { // Helidon's own responses are
            routing.commit();
        }
    }
}
