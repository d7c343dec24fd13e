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

        RequestBodies.Bytes read = RequestBodies.readDeclared(inPiecesOf(1000, sent), new byte[sent.length], sent.length);

        assertThat(read.length()).isEqualTo(78_123);
        assertThat(read.array()).isEqualTo(sent);
    }

    @Test
    void aBodyReadIntoAKeptLongerArrayTakesItsFirstBytesAndLeavesTheRest() throws IOException {
        byte[] kept = new byte[30_000];
        Arrays.fill(kept, (byte) 'x'); // a former body's bytes
        byte[] sent = new byte[20_000];
        Arrays.fill(sent, (byte) 'a');

        RequestBodies.Bytes read = RequestBodies.readDeclared(inPiecesOf(1000, sent), kept, sent.length);

        assertThat(read.array()).isSameAs(kept);
        assertThat(read.length()).isEqualTo(20_000);
        assertThat(Arrays.copyOf(kept, 20_000)).isEqualTo(sent);
        assertThat(kept[20_000]).isEqualTo((byte) 'x');
    }

    @Test
    void aBodyEndingBeforeItsDeclaredLengthIsWhatArrived() throws IOException {
        byte[] sent = "{\"model\":\"m\"}".getBytes();

        RequestBodies.Bytes read = RequestBodies.readDeclared(inPiecesOf(4, sent), new byte[100], 100);

        assertThat(read.length()).isEqualTo(sent.length);
        assertThat(Arrays.copyOf(read.array(), read.length())).isEqualTo(sent);
    }

    @Test
    void anEmptyDeclaredBodyIsEmpty() throws IOException {
        assertThat(RequestBodies.readDeclared(inPiecesOf(4, new byte[0]), new byte[0], 0).length()).isZero();
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
