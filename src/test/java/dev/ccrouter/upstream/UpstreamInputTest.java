package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UpstreamInputTest {
    private static final String HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n";

    @Test
    void theHeadEndsAtItsBlankLineAndTheBodyStaysBuffered() throws IOException {
        UpstreamInput in = new UpstreamInput(bytes(HEAD + "{}"), 1024);

        assertThat(text(in.readHead(64 * 1024))).isEqualTo(HEAD);
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("{}");
    }

    @Test
    void aHeadThatArrivesByteByByteAcrossSmallBuffersIsWhole() throws IOException {
        UpstreamInput in = new UpstreamInput(trickling(HEAD + "{}"), 8);

        assertThat(text(in.readHead(64 * 1024))).isEqualTo(HEAD);
        assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("{}");
    }

    @Test
    void bareLineFeedsEndAHeadToo() throws IOException {
        UpstreamInput in = new UpstreamInput(trickling("HTTP/1.1 204 No Content\nA: b\n\nrest"), 4);

        assertThat(text(in.readHead(64 * 1024))).isEqualTo("HTTP/1.1 204 No Content\nA: b\n\n");
    }

    @Test
    void aHeadLongerThanTheLimitIsRefused() {
        UpstreamInput in = new UpstreamInput(bytes("HTTP/1.1 200 OK\r\nX: " + "a".repeat(200) + "\r\n\r\n"), 64);

        assertThatThrownBy(() -> in.readHead(100)).isInstanceOf(IOException.class)
                .hasMessage("the response head is longer than 100 bytes");
    }

    @Test
    void aConnectionThatEndsBeforeAnyByteIsNoResponseAndOneThatEndsMidHeadIsBroken() {
        assertThatThrownBy(() -> new UpstreamInput(bytes(""), 16).readHead(1024))
                .isInstanceOf(Http1Connection.NoResponseException.class);
        assertThatThrownBy(() -> new UpstreamInput(bytes("HTTP/1.1 200 OK\r\n"), 16).readHead(1024))
                .isInstanceOf(IOException.class).isNotInstanceOf(Http1Connection.NoResponseException.class)
                .hasMessage("the connection closed in the middle of the response head");
    }

    @Test
    void framingLinesLoseTheirTerminatorAcrossRefills() throws IOException {
        UpstreamInput in = new UpstreamInput(trickling("1a;ext=1\r\n\r\n0\n"), 3);

        assertThat(in.readLine(4096)).isEqualTo("1a;ext=1");
        assertThat(in.readLine(4096)).isEmpty();
        assertThat(in.readLine(4096)).isEqualTo("0");
        assertThatThrownBy(() -> in.readLine(4096)).isInstanceOf(EOFException.class);
    }

    @Test
    void anOverlongFramingLineIsRefused() {
        UpstreamInput in = new UpstreamInput(bytes("f".repeat(5000) + "\r\n"), 1024);

        assertThatThrownBy(() -> in.readLine(4096)).isInstanceOf(IOException.class)
                .hasMessage("the upstream's chunk framing has an overlong line");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static InputStream bytes(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A socket that hands over one byte per read, as a slow upstream can. */
    private static InputStream trickling(String text) {
        InputStream all = bytes(text);
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return all.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : all.read(b, off, 1);
            }
        };
    }
}
