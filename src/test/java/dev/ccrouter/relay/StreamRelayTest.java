package dev.ccrouter.relay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ContentBlock;
import dev.ccrouter.api.anthropic.ContentDelta;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.api.anthropic.StreamEvent;
import dev.ccrouter.api.anthropic.Usage;
import dev.ccrouter.translate.ChatStreamTranslator;
import dev.ccrouter.translate.ResponseContext;
import dev.ccrouter.translate.ToolNameMap;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relay parses each event's data from the bytes it arrived in, cut wherever the reads cut it. */
class StreamRelayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = ": OPENROUTER PROCESSING\r\n\r\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"héllo \"}}]}\r\n\r\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"wörld 😀\"},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3}}\n\n"
            + "data: [DONE]\n\n";

    @Test
    void aStreamCutInTwoReadsAtAnyByteIsTranslatedAsWhole() {
        byte[] body = STREAM.getBytes(StandardCharsets.UTF_8);
        List<StreamEvent> expected = List.of(
                ChatStreamTranslator.messageStart("msg_relay", "claude-sonnet-5", 40),
                new StreamEvent.ContentBlockStart(0, new ContentBlock.Text()),
                new StreamEvent.ContentBlockDelta(0, new ContentDelta.Text("héllo ")),
                new StreamEvent.ContentBlockDelta(0, new ContentDelta.Text("wörld 😀")),
                new StreamEvent.ContentBlockStop(0),
                new StreamEvent.MessageDelta("end_turn", null, new Usage(12, 3, 0, 0, 0, 0, 0)),
                new StreamEvent.MessageStop());
        for (int split = 0; split <= body.length; split++) {
            Client client = new Client();
            assertThat(relay(inTwoReads(body, split), client)).as("split at byte %d", split).isTrue();
            assertThat(client.events).as("split at byte %d", split).isEqualTo(expected);
        }
    }

    @Test
    void malformedUtf8InAStringReadsAsReplacementCharactersAsBefore() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a".getBytes(StandardCharsets.UTF_8));
        body.write(0xC3); // a two-byte character's first byte, followed by a plain one
        body.writeBytes(("b\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n\n"
                + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
        Client client = new Client();

        assertThat(relay(new ByteArrayInputStream(body.toByteArray()), client)).isTrue();

        assertThat(client.events).contains(new StreamEvent.ContentBlockDelta(0, new ContentDelta.Text("a\uFFFDb")));
        assertThat(client.events.getLast()).isEqualTo(new StreamEvent.MessageStop());
    }

    @Test
    void aChunkThatIsNotJsonEndsTheStreamWithTheParsersMessage() {
        Client client = new Client();

        assertThat(relay(new ByteArrayInputStream("data: {\"choices\": nope}\n\n".getBytes(StandardCharsets.UTF_8)),
                client)).isFalse();

        assertThat(client.events).containsExactly(
                ChatStreamTranslator.messageStart("msg_relay", "claude-sonnet-5", 40),
                new StreamEvent.Error(AnthropicError.of(ErrorType.API, "The upstream sent a stream chunk that is not "
                        + "JSON: Unrecognized token 'nope': was expecting (JSON String, Number, Array, Object or token "
                        + "'null', 'true' or 'false')")));
    }

    private static boolean relay(InputStream body, Client client) {
        ResponseContext context = new ResponseContext("msg_relay", "claude-sonnet-5", ToolNameMap.forNames(List.of(), 64),
                List.of(), (usage, estimate) -> new Usage(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong(),
                        0, 0, 0, 0, 0),
                40, () -> "toolu_relay");
        ChatStreamTranslator translator = new ChatStreamTranslator(JSON, context, client);
        return new StreamRelay(JSON).relay(body, translator, client);
    }

    private static InputStream inTwoReads(byte[] bytes, int split) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, pos < split ? Math.min(len, split - pos) : len);
            }
        };
    }

    /** A client that stays and keeps what it was sent. */
    private static final class Client implements ClientChannel {
        final List<StreamEvent> events = new ArrayList<>();

        @Override
        public void event(StreamEvent event) {
            events.add(event);
        }

        @Override
        public void flush() {
        }

        @Override
        public boolean clientGone() {
            return false;
        }
    }
}
