package dev.ccrouter.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseLineReaderTest {

    static List<String> read(InputStream in) throws IOException {
        SseLineReader reader = new SseLineReader(in);
        List<String> payloads = new ArrayList<>();
        for (String data; (data = reader.next()) != null; ) {
            payloads.add(data);
        }
        return payloads;
    }

    @Test
    void skipsCommentsAndOtherFieldsAndJoinsMultiLineData() throws IOException {
        String body = ": OPENROUTER PROCESSING\n\n"
                + "data: {\"a\":1}\n\n"
                + "event: message\nid: 7\nretry: 100\ndata:{\"b\":2}\r\n\r\n"
                + "data: line one\ndata: line two\n\n"
                + "data: [DONE]\n\n";
        assertThat(read(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                .containsExactly("{\"a\":1}", "{\"b\":2}", "line one\nline two", "[DONE]");
    }

    @Test
    void lastEventWithoutTrailingBlankLineStillCounts() throws IOException {
        assertThat(read(new ByteArrayInputStream("data: {\"x\":\"é\"}".getBytes(StandardCharsets.UTF_8))))
                .containsExactly("{\"x\":\"é\"}");
    }

    @Test
    void eventsSplitAcrossReadsAndLargerThanTheBufferAreWhole() throws IOException {
        String big = "x".repeat(20_000);
        byte[] body = ("data: {\"t\":\"" + big + "\"}\n\ndata: 2\n\n").getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new InputStream() {
            int position;

            @Override
            public int read() {
                return position < body.length ? body[position++] : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= body.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, 7), body.length - position);
                System.arraycopy(body, position, b, off, n);
                position += n;
                return n;
            }
        };
        assertThat(read(trickle)).containsExactly("{\"t\":\"" + big + "\"}", "2");
    }

    @Test
    void knowsWhetherAWholeEventIsAlreadyBuffered() throws IOException {
        SseLineReader reader = new SseLineReader(new ByteArrayInputStream(
                "data: 1\n\ndata: 2\n\ndata: 3".getBytes(StandardCharsets.UTF_8)));
        assertThat(reader.next()).isEqualTo("1");
        assertThat(reader.hasBufferedEvent()).isTrue();
        assertThat(reader.next()).isEqualTo("2");
        assertThat(reader.hasBufferedEvent()).isFalse();
        assertThat(reader.next()).isEqualTo("3");
        assertThat(reader.next()).isNull();
    }
}
