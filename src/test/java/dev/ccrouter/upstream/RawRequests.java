package dev.ccrouter.upstream;

import java.io.IOException;
import java.io.InputStream;

/** What the raw-socket upstreams of these tests read of each request: its head, then its two-byte body {@code {}}. */
final class RawRequests {
    private RawRequests() {
    }

    static void readPostOfEmptyObject(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int b;
        while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
            head.append((char) b);
        }
        in.readNBytes(2); // the body, {}
    }
}
