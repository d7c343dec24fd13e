package dev.ccrouter.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@link SseFrames.Writer}: the frames of a stream, byte for byte, however events, comments and sends interleave —
 * one generator writes the events between two sends, and none is left between them.
 */
class SseFramesTest {
    private final SseFrames.Writer frames = new SseFrames.Writer(JsonBuffers.factory().build(), 16);

    @Test
    void eventsBetweenTwoSendsAreFramedInOrderWithNothingBetweenTheirJson() throws IOException {
        frames.event(new StreamEvent.ContentBlockDelta(0, new ContentDelta.Text("Hi")));
        frames.event(new StreamEvent.ContentBlockDelta(0, new ContentDelta.Text(" \"there\"\n")));
        frames.event(new StreamEvent.ContentBlockStop(0));

        assertThat(sent()).isEqualTo("""
                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" \\"there\\"\\n"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                """);
    }

    @Test
    void commentsAndRawBytesKeepTheirPlaceAmongTheEvents() throws IOException {
        frames.event(new StreamEvent.Ping());
        frames.comment("cost – ", out -> out.writeNumber(new BigDecimal("0.01")));
        frames.event(new StreamEvent.MessageStop());
        frames.raw(":\n\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(sent()).isEqualTo("""
                event: ping
                data: {"type":"ping"}

                : cost – 0.01

                event: message_stop
                data: {"type":"message_stop"}

                :

                """);
    }

    @Test
    void aJsonCommentIsOneLineAmongTheEventsWithItsDecimalsPlainAndLaterEventsUnchanged() throws IOException {
        frames.event(new StreamEvent.MessageStop());
        frames.comment("ccrouter-billing ", out -> {
            out.writeStartObject();
            out.writeStringField("note", "line\nbreak – \"quoted\"");
            out.writeNumberField("cost_usd", new BigDecimal("1E-7"));
            out.writeEndObject();
        });
        frames.event(new StreamEvent.Ping());

        assertThat(sent()).isEqualTo("""
                event: message_stop
                data: {"type":"message_stop"}

                : ccrouter-billing {"note":"line\\nbreak – \\"quoted\\"","cost_usd":0.0000001}

                event: ping
                data: {"type":"ping"}

                """);
    }

    @Test
    void aJsonCommentThatFailsHalfWrittenIsNeverSent() throws IOException {
        frames.event(new StreamEvent.Ping());
        assertThatThrownBy(() -> frames.comment("ccrouter-billing ", out -> {
            out.writeStartObject();
            throw new IllegalStateException("no bill");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(frames.isEmpty()).isTrue();
        frames.event(new StreamEvent.MessageStop());
        assertThat(sent()).isEqualTo("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    @Test
    void aSendStartsOverAndTheNextEventsAreFramedAfresh() throws IOException {
        assertThat(frames.isEmpty()).isTrue();
        frames.event(new StreamEvent.Ping());
        assertThat(frames.isEmpty()).isFalse();
        assertThat(sent()).isEqualTo("event: ping\ndata: {\"type\":\"ping\"}\n\n");
        assertThat(frames.isEmpty()).isTrue();
        assertThat(sent()).isEmpty();

        frames.event(new StreamEvent.MessageStop());
        assertThat(sent()).isEqualTo("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    @Test
    void discardedFramesAreNeverSent() throws IOException {
        frames.event(new StreamEvent.Ping());
        frames.comment("dropped ", out -> out.writeNumber(1));
        frames.discard();

        assertThat(frames.isEmpty()).isTrue();
        frames.event(new StreamEvent.MessageStop());
        assertThat(sent()).isEqualTo("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    }

    private String sent() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.sendTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
