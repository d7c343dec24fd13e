package dev.ccrouter.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseHeadTest {

    private static ResponseHead parse(String head) throws IOException {
        return ResponseHead.parse(head.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void readsTheStatusAndTheFirstValueOfEachHeaderWhateverTheLineEndings() throws IOException {
        ResponseHead head = parse("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 7\nContent-Type: application/json\r\n"
                + "retry-after: 9\r\n\r\n");

        assertThat(head.status()).isEqualTo(429);
        assertThat(head.header("retry-after")).isEqualTo("7");
        assertThat(head.header("Content-Type")).isEqualTo("application/json");
        assertThat(head.header("RETRY-AFTER")).isEqualTo("7");
    }

    @Test
    void aNameMatchesWithoutItsSurroundingSpaceAndOnlyWhole() throws IOException {
        ResponseHead head = parse("HTTP/1.1 200 OK\r\nX-Content-Type: a\r\n Content-Type :  text/event-stream \r\n"
                + "no colon here\r\nlocation\r\n: empty name\r\nLocation:\r\n\r\n");

        assertThat(head.header("content-type")).isEqualTo("text/event-stream");
        assertThat(head.header("x-content-type")).isEqualTo("a");
        assertThat(head.header("location")).isEmpty();
        assertThat(head.header("no colon here")).isNull();
        assertThat(head.header("retry-after")).isNull();
        assertThat(head.contentLength()).isEqualTo(-1);
        assertThat(head.chunked()).isFalse();
    }

    @Test
    void controlCharactersInAValueBecomeSpacesSoNoneCanReachTheClientsResponseHeaders() throws IOException {
        ResponseHead head = parse("HTTP/1.1 503 Busy\r\nRetry-After: 5\rSet-Cookie: x=1\r\nContent-Type: text/\u0000html\u007f\r\n\r\n");

        assertThat(head.header("retry-after")).isEqualTo("5 Set-Cookie: x=1");
        assertThat(head.header("content-type")).isEqualTo("text/ html");
        assertThat(head.header("set-cookie")).isNull();
    }

    @Test
    void anAnswerThatIsNotHttpIsRefused() {
        assertThatThrownBy(() -> parse("<html>hello</html>\r\n\r\n")).isInstanceOf(IOException.class)
                .hasMessageContaining("HTTP/1.x status line");
    }
}
