package dev.ccrouter.relay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.ErrorType;
import dev.ccrouter.api.anthropic.JsonProblems;
import dev.ccrouter.api.openai.SseLineReader;
import dev.ccrouter.translate.ChatStreamTranslator;
import dev.ccrouter.upstream.UpstreamClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The loop between an upstream's SSE body and a streaming client: each event's data is parsed once, from its bytes,
 * and fed to the stream machine. It sends nothing itself: the caller flushes the client's stream before each read
 * from the upstream ({@code UpstreamResponse.beforeReading}) and ends it with what is left, so that what one read
 * brought leaves together and nothing translated waits for the upstream. Every way the upstream can stop —
 * {@code [DONE]}, end of body, a chunk that is not JSON, a read error of any kind, a timeout — ends the client's stream
 * with {@code message_stop} or {@code event: error}, never by just stopping; a client that left stops the loop at once.
 */
public final class StreamRelay {
    private final ObjectMapper json;

    public StreamRelay(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Relays until the stream ends or the client leaves.
     *
     * @return whether the stream finished normally while the client was still there: then the rest of the upstream
     *         body is only its terminator, and the connection can be reused (after a failure the upstream may have
     *         nothing more to say, and waiting for it would hold the client)
     */
    public boolean relay(InputStream upstreamBody, ChatStreamTranslator translator, ClientChannel client) {
        SseLineReader reader = new SseLineReader(upstreamBody);
        try {
            while (!translator.ended() && !client.clientGone() && reader.nextEvent()) {
                if (reader.isDone()) {
                    translator.onDone();
                } else {
                    translator.onChunk(parse(reader.data(), reader.dataOffset(), reader.dataLength()));
                }
            }
            if (!translator.ended() && !client.clientGone()) {
                translator.onEndOfStream();
            }
        } catch (MalformedChunk e) {
            translator.onUpstreamBroken(AnthropicError.of(ErrorType.API,
                    "The upstream sent a stream chunk that is not JSON: " + e.getMessage()));
        } catch (IOException | RuntimeException e) { // a reset or broken framing may come unchecked
            if (!client.clientGone()) {
                translator.onUpstreamBroken(brokenOff(e));
            }
        }
        return translator.ended() && translator.failure() == null && !client.clientGone();
    }

    /**
     * The chunk's JSON, parsed from its UTF-8 bytes where the reader holds them. Bytes that do not parse are parsed
     * once more as text: a string with malformed UTF-8 then reads with U+FFFD in place of its bad bytes, as the
     * gateway always read it (a provider's bad byte in a sentence is no reason to break the answer off), and a chunk
     * that is not JSON fails with the text parser's message.
     */
    private JsonNode parse(byte[] data, int offset, int length) throws IOException, MalformedChunk {
        try {
            return json.readTree(data, offset, length);
        } catch (JsonProcessingException e) {
            try {
                return json.readTree(new String(data, offset, length, StandardCharsets.UTF_8));
            } catch (JsonProcessingException asText) {
                throw new MalformedChunk(JsonProblems.plain(asText.getOriginalMessage()));
            }
        }
    }

    /** What a client is told when the upstream's stream broke off (a reset, a read timeout), translated or not. */
    public static AnthropicError brokenOff(Throwable e) {
        return UpstreamClient.isTimeout(e)
                ? AnthropicError.of(ErrorType.TIMEOUT,
                        "The upstream sent nothing for longer than the read timeout during the stream.")
                : AnthropicError.of(ErrorType.API, "The upstream connection failed during the stream: " + rootCause(e));
    }

    /** The innermost cause's message, for people; never a stack trace. */
    public static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = JsonProblems.plain(root.getMessage()); // an unreadable answer's parser names its switches
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    private static final class MalformedChunk extends Exception {
        MalformedChunk(String message) {
            super(message, null, false, false);
        }
    }
}
