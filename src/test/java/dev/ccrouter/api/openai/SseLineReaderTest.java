package dev.ccrouter.api.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SseLineReaderTest {

    static List<String> read(InputStream in) throws IOException {
        return read(new SseLineReader(in));
    }

    /** Each event's data as text, {@code [DONE]} as {@code DONE} (to tell {@link SseLineReader#isDone} apart). */
    static List<String> read(SseLineReader reader) throws IOException {
        List<String> payloads = new ArrayList<>();
        while (reader.nextEvent()) {
            payloads.add(reader.isDone() ? "DONE"
                    : new String(reader.data(), reader.dataOffset(), reader.dataLength(), StandardCharsets.UTF_8));
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
                .containsExactly("{\"a\":1}", "{\"b\":2}", "line one\nline two", "DONE");
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

    /**
     * A body with what can be cut badly: two- and four-byte UTF-8 characters, {@code \r\n} endings, a comment, an
     * event of three data lines (one empty), a field after an event's data, an event longer than the initial buffer.
     */
    private static final String AWKWARD_BODY = ": OPENROUTER PROCESSING\r\n\r\n"
            + "data: {\"t\":\"héllo 😀\"}\r\n\r\n"
            + "data: {\"x\":\"" + "z".repeat(SseLineReader.INITIAL_BUFFER_BYTES) + "é\"}\n"
            + "id: 3\n\n"
            + "data: a\ndata: é😀\r\ndata:\n\n"
            + "data:[DONE]\r\n\r\n";
    private static final List<String> AWKWARD_EVENTS = List.of("{\"t\":\"héllo 😀\"}",
            "{\"x\":\"" + "z".repeat(SseLineReader.INITIAL_BUFFER_BYTES) + "é\"}", "a\né😀\n", "DONE");

    @Test
    void aBodySplitInTwoReadsAtAnyByteGivesTheSameEvents() throws IOException {
        byte[] body = AWKWARD_BODY.getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= body.length; split++) {
            assertThat(read(inTwoReads(body, split))).as("split at byte %d", split).isEqualTo(AWKWARD_EVENTS);
        }
    }

    @Test
    void aBodyTrickledInReadsOfAnySmallSizeGivesTheSameEvents() throws IOException {
        byte[] body = AWKWARD_BODY.getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= 9; chunk++) {
            assertThat(read(trickling(body, chunk))).as("reads of %d bytes", chunk).isEqualTo(AWKWARD_EVENTS);
        }
    }

    /** Hands out the bytes before {@code split} in one read and the rest in the next, as two TCP segments would. */
    static InputStream inTwoReads(byte[] bytes, int split) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, pos < split ? Math.min(len, split - pos) : len);
            }
        };
    }

    @Test
    void onlyADataOfExactlyDoneIsDone() throws IOException {
        String body = "data: [DONE]\n\ndata:[DONE]\n\ndata: [DONE] \n\ndata: [DONE\n\ndata: [done]\n\n"
                + "data: [DONE]\ndata: more\n\n";
        assertThat(read(new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII))))
                .containsExactly("DONE", "DONE", "[DONE] ", "[DONE", "[done]", "[DONE]\nmore");
    }

    @Test
    void anEventOfManyLinesIsJoinedWhateverTheirSizes() throws IOException {
        List<String> lines = List.of("", "b", "c".repeat(100), "d".repeat(3000), "", "é".repeat(700), "f");
        String body = lines.stream().map(line -> "data: " + line + "\n").reduce("", String::concat) + "\ndata: g\n\n";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        assertThat(read(new ByteArrayInputStream(bytes))).containsExactly(String.join("\n", lines), "g");
        assertThat(read(trickling(bytes, 5))).containsExactly(String.join("\n", lines), "g");
    }

    @Test
    void linesAroundTheInitialBufferSizeAreWhole() throws IOException {
        int size = SseLineReader.INITIAL_BUFFER_BYTES;
        StringBuilder body = new StringBuilder();
        List<String> payloads = new ArrayList<>();
        for (int length : new int[] {size - 8, size - 7, size - 6, size - 1, size, size + 1, 2 * size, 1}) {
            String payload = "y".repeat(length);
            payloads.add(payload);
            body.append("data: ").append(payload).append("\r\n\r\n");
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.US_ASCII);
        assertThat(read(new ByteArrayInputStream(bytes))).containsExactlyElementsOf(payloads);
        assertThat(read(trickling(bytes, size - 1))).containsExactlyElementsOf(payloads);
    }

    /** Hands out its bytes {@code chunk} at a time, as a socket delivering a long line in many reads would. */
    static InputStream trickling(byte[] bytes, int chunk) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, chunk));
            }
        };
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.SECONDS) // a rescan per read costs ~32 billion comparisons here; linear is ~8 million
    void anEightMegabyteLineInOneKilobyteReadsIsReadInLinearTime() throws IOException {
        String payload = "x".repeat(8 * 1024 * 1024);
        byte[] body = ("data: " + payload + "\n\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(read(trickling(body, 1024))).singleElement().isEqualTo(payload);
    }

    @Test
    void aLineOverTheMaximumEndsTheStreamWithAClearError() {
        byte[] body = ("data: " + "x".repeat(2 * 1024 * 1024)).getBytes(StandardCharsets.US_ASCII);
        SseLineReader reader = new SseLineReader(trickling(body, 4096), 1024 * 1024);
        assertThatThrownBy(reader::nextEvent).isInstanceOf(SseLineReader.TooLong.class)
                .hasMessage("the upstream sent an SSE line longer than 1048576 bytes");
    }

    @Test
    void anEventOverTheMaximumEndsTheStreamWithAClearError() {
        String line = "data: " + "y".repeat(600) + "\n";
        byte[] body = line.repeat(4).getBytes(StandardCharsets.US_ASCII);
        SseLineReader reader = new SseLineReader(new ByteArrayInputStream(body), 1024);
        assertThatThrownBy(reader::nextEvent).isInstanceOf(SseLineReader.TooLong.class)
                .hasMessage("the upstream sent an SSE event longer than 1024 bytes");
    }
}
