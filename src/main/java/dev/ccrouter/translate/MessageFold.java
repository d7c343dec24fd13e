package dev.ccrouter.translate;

import dev.ccrouter.api.anthropic.ContentDelta;
import dev.ccrouter.api.anthropic.EventSink;
import dev.ccrouter.api.anthropic.StreamEvent;
import dev.ccrouter.api.anthropic.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds the events of one Anthropic stream into the Message a non-streaming request returns: the same content in the
 * same order, so a whole response can never say something its stream would not. Blocks are built from their
 * {@code content_block_start} shell and deltas ({@link WholeMessage.Block}); the stream machine numbers blocks densely
 * from 0 in the order it starts them, so a block's index is its place in the content.
 */
final class MessageFold implements EventSink {
    private final List<WholeMessage.Block> content = new ArrayList<>();
    private String id;
    private String model;
    private String stopReason;
    private String stopSequence;
    private Usage usage;

    @Override
    public void event(StreamEvent event) {
        switch (event) {
            case StreamEvent.MessageStart start -> {
                id = start.id();
                model = start.model();
            }
            case StreamEvent.ContentBlockStart start -> content.add(new WholeMessage.Block(start.block()));
            case StreamEvent.ContentBlockDelta delta -> applyDelta(content.get(delta.index()), delta.delta());
            case StreamEvent.MessageDelta delta -> {
                stopReason = delta.stopReason();
                stopSequence = delta.stopSequence();
                usage = delta.usage();
            }
            case StreamEvent.ContentBlockStop stop -> { }
            case StreamEvent.MessageStop stop -> { }
            case StreamEvent.Ping ping -> { }
            case StreamEvent.Error error -> { } // the driver reads the machine's failure
        }
    }

    /** The folded message; call once the stream ended with its {@code message_delta}. */
    WholeMessage message() {
        return new WholeMessage(id, model, List.copyOf(content), stopReason, stopSequence, usage);
    }

    private static void applyDelta(WholeMessage.Block block, ContentDelta delta) {
        switch (delta) {
            case ContentDelta.Text text -> block.appendText(text.value());
            case ContentDelta.Thinking thinking -> block.appendText(thinking.value());
            case ContentDelta.Signature signature -> block.signature(signature.value());
            case ContentDelta.InputJson input -> block.appendInput(input.value());
        }
    }
}
