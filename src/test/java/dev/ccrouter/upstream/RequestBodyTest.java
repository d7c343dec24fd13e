package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestBodyTest {
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theJsonIsWhatWriteValueAsBytesWritesAndLeavesWithItsHeadInOneWrite() throws IOException {
        ObjectNode tree = json.createObjectNode().put("model", "m").put("text", "é \"quoted\"\n");
        RequestBody body = RequestBody.json(json, tree, 10);
        byte[] head = "POST / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        Writes out = new Writes();

        body.writeWith(head, out);

        assertThat(body.toByteArray()).isEqualTo(json.writeValueAsBytes(tree));
        assertThat(body.length()).isEqualTo(json.writeValueAsBytes(tree).length);
        assertThat(out.calls).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("POST / HTTP/1.1\r\n\r\n" + json.writeValueAsString(tree));
    }

    @Test
    void aHeadLongerThanTheRoomIsJoinedToTheBodyForTheOneWrite() throws IOException {
        RequestBody body = RequestBody.json(json, json.createObjectNode().put("a", 1), 0);
        String head = "POST / HTTP/1.1\r\nX-Long: " + "x".repeat(RequestBody.HEAD_ROOM) + "\r\n\r\n";
        Writes out = new Writes();

        body.writeWith(head.getBytes(StandardCharsets.US_ASCII), out);

        assertThat(out.calls).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(head + "{\"a\":1}");
    }

    @Test
    void bytesGivenAsTheyAreFollowTheHead() throws IOException {
        Writes out = new Writes();

        RequestBody.of("{}".getBytes(StandardCharsets.US_ASCII)).writeWith("H\r\n\r\n".getBytes(StandardCharsets.US_ASCII), out);

        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("H\r\n\r\n{}");
    }

    @Test
    void aBodyWrittenIntoAFormerBodysArrayIsExactlyItsOwn() throws IOException {
        ObjectNode large = json.createObjectNode().put("text", "a long former body\n".repeat(4_000));
        ObjectNode small = json.createObjectNode().put("model", "m").put("text", "shorter\n".repeat(3_000));
        RequestBody former = RequestBody.json(json, large, 76_000);
        former.recycle();

        RequestBody body = RequestBody.json(json, small, 24_000);
        Writes out = new Writes();
        body.writeWith("H\r\n\r\n".getBytes(StandardCharsets.US_ASCII), out);

        assertThat(body.toByteArray()).isEqualTo(json.writeValueAsBytes(small));
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("H\r\n\r\n" + json.writeValueAsString(small));
    }

    @Test
    void aRecycledBodyCannotBeSentAgain() {
        RequestBody body = RequestBody.json(json, json.createObjectNode().put("text", "x".repeat(20_000)), 20_000);
        body.recycle();
        body.recycle(); // a second time gives nothing back twice

        assertThatThrownBy(() -> body.writeWith("H\r\n\r\n".getBytes(StandardCharsets.US_ASCII), new Writes()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("recycled");
        assertThatThrownBy(body::toByteArray).isInstanceOf(IllegalStateException.class);
    }

    /** Counts the write calls that reach the "socket". */
    private static final class Writes extends ByteArrayOutputStream {
        int calls;

        @Override
        public void write(byte[] b) {
            write(b, 0, b.length);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            calls++;
            super.write(b, off, len);
        }
    }
}
