package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RequestBodiesTest {
    @Test
    void aDeclaredBodyArrivingInSmallPiecesIsReadWholeIntoAnArrayOfItsLength() throws IOException {
        byte[] sent = new byte[78_123];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = (byte) (i * 31);
        }

        byte[] read = RequestBodies.readDeclared(inPiecesOf(1000, sent), sent.length);

        assertThat(read).hasSize(78_123).isEqualTo(sent);
    }

    @Test
    void aBodyEndingBeforeItsDeclaredLengthIsWhatArrived() throws IOException {
        byte[] sent = "{\"model\":\"m\"}".getBytes();

        byte[] read = RequestBodies.readDeclared(inPiecesOf(4, sent), 100);

        assertThat(read).isEqualTo(sent);
    }

    @Test
    void anEmptyDeclaredBodyIsEmpty() throws IOException {
        assertThat(RequestBodies.readDeclared(inPiecesOf(4, new byte[0]), 0)).isEmpty();
    }

    /** A stream that hands out at most {@code piece} bytes per read, as a socket does. */
    private static InputStream inPiecesOf(int piece, byte[] bytes) {
        return new FilterInputStream(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length))) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, piece));
            }
        };
    }
}
