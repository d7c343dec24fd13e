package dev.ccrouter.api.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Anthropic SSE framing: {@code event: <name>\ndata: <json>\n\n}. The event line is never omitted: the official
 * SDKs dispatch on it and silently drop data-only frames.
 */
public final class SseFrames {
    private static final SerializableString EVENT = new SerializedString("event: ");
    private static final SerializableString DATA = new SerializedString("\ndata: ");
    private static final SerializableString END = new SerializedString("\n\n");
    private static final SerializableString COMMENT = new SerializedString(": ");

    /** One JSON value written by the frames' generator. */
    @FunctionalInterface
    public interface JsonContent {
        void write(JsonGenerator out) throws IOException;
    }

    private SseFrames() {
    }

    /**
     * One stream's frames, framed in memory until they are sent. The events framed between two sends (those of one
     * upstream read) are written by one JSON generator, frames and all, instead of one generator per event: each
     * generator borrowed its buffers from the pool, made its context and flushed into the frame on its own, a tenth
     * of a streaming request's CPU. The generator does not outlive the send: it holds a set of Jackson's buffers
     * ({@link JsonBuffers}), which a stream waiting on its upstream must not.
     *
     * <p>Not thread-safe: the stream's lock guards it.
     */
    public static final class Writer {
        private final JsonFactory json;
        private final ByteArrayOutputStream framed;
        /** Open from the first event framed since the last send; null otherwise. */
        private JsonGenerator generator;

        public Writer(JsonFactory json, int initialBytes) {
            this.json = json;
            this.framed = new ByteArrayOutputStream(initialBytes);
        }

        /** Frames one event, its JSON compact (on one line). */
        public void event(StreamEvent event) {
            frame(out -> {
                out.writeRaw(EVENT);
                out.writeRaw(event.type());
                out.writeRaw(DATA);
                event.write(out);
                out.writeRaw(END);
            });
        }

        /**
         * Frames an SSE comment line of {@code prefix} and the JSON {@code content} writes (one line: a generator
         * escapes line breaks), big decimals in plain notation. Written by the frames' own generator, not made into a
         * String first and encoded again: the bill's comment that way was 5 % of a streaming request's CPU.
         */
        public void comment(String prefix, JsonContent content) {
            frame(out -> {
                out.writeRaw(COMMENT);
                out.writeRaw(prefix);
                boolean plain = out.isEnabled(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
                out.enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
                content.write(out);
                if (!plain) {
                    out.disable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
                }
                out.writeRaw(END);
            });
        }

        /** Writes one frame with the generator of the frames since the last send; one half written is dropped. */
        private void frame(JsonContent frame) {
            try {
                frame.write(generator());
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory cannot fail", e);
            } catch (RuntimeException e) {
                discard(); // a frame half written must not be sent
                throw e;
            }
        }

        /** Appends bytes that are SSE already (a liveness comment). */
        public void raw(byte[] bytes) {
            settle();
            framed.writeBytes(bytes);
        }

        /** Whether nothing was framed since the last send. */
        public boolean isEmpty() {
            return generator == null && framed.size() == 0;
        }

        /** Writes what was framed to {@code out} (not flushing it), then starts over, even when the write fails. */
        public void sendTo(OutputStream out) throws IOException {
            try {
                settle();
                framed.writeTo(out);
            } finally {
                framed.reset();
            }
        }

        /** Drops what was framed and not sent. */
        public void discard() {
            JsonGenerator open = generator;
            generator = null;
            if (open != null) {
                try {
                    open.close();
                } catch (IOException | RuntimeException e) {
                    // the frames are dropped anyway
                }
            }
            framed.reset();
        }

        private JsonGenerator generator() throws IOException {
            if (generator == null) {
                generator = json.createGenerator(framed);
                generator.setRootValueSeparator(null); // frames, not a sequence of JSON documents
            }
            return generator;
        }

        /** Moves what the generator holds into the frames, and gives its buffers back. */
        private void settle() {
            JsonGenerator open = generator;
            if (open != null) {
                generator = null;
                try {
                    open.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("writing to memory cannot fail", e);
                }
            }
        }
    }
}
