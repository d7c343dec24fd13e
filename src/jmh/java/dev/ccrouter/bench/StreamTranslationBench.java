package dev.ccrouter.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.SseFrames;
import dev.ccrouter.api.anthropic.StreamEvent;
import dev.ccrouter.relay.ClientChannel;
import dev.ccrouter.relay.StreamRelay;
import dev.ccrouter.api.anthropic.Usage;
import dev.ccrouter.translate.ChatStreamTranslator;
import dev.ccrouter.translate.ResponseContext;
import dev.ccrouter.translate.ToolNameMap;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Stream translation on one core: an upstream's {@code data:} payloads (a 200-token answer followed by a tool call,
 * usage last) parsed, translated by {@link ChatStreamTranslator} and framed as Anthropic SSE bytes, as the gateway
 * does per upstream chunk. Scores are chunks per second (one operation = one upstream chunk).
 *
 * <p>{@link #sseBodyToSseBytes} takes the same chunks as the upstream's SSE body, one event per read, through
 * {@link StreamRelay} (its line reader, the parse) as the gateway does.
 *
 * <p>Thin on purpose: it only calls the translator's public constructor, {@code start}, {@code onChunk} and
 * {@code onDone}, {@link StreamRelay#relay} and {@link SseFrames.Writer}, so it follows their signatures easily.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class StreamTranslationBench {
    static final int TEXT_CHUNKS = 200;
    static final int CHUNKS = TEXT_CHUNKS + 5;

    ObjectMapper json;
    List<byte[]> chunks;
    /** The chunks as SSE events ({@code data: …\n\n}), then {@code data: [DONE]}. */
    List<byte[]> events;
    ByteArrayOutputStream out;

    @Setup
    public void setUp() {
        json = new ObjectMapper();
        out = new ByteArrayOutputStream(64 * 1024);
        chunks = upstreamChunks();
        events = new ArrayList<>();
        for (byte[] chunk : chunks) {
            events.add(("data: " + new String(chunk, StandardCharsets.UTF_8) + "\n\n").getBytes(StandardCharsets.UTF_8));
        }
        events.add("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        if (chunks.size() != CHUNKS) {
            throw new IllegalStateException("expected " + CHUNKS + " chunks, built " + chunks.size());
        }
    }

    /** Bytes of each upstream {@code data:} payload to Anthropic SSE bytes, the whole per-chunk path. */
    @Benchmark
    @OperationsPerInvocation(CHUNKS)
    public int chunksToSseBytes() throws IOException {
        out.reset();
        // Framed as the gateway frames them: the events of one upstream read (here, one chunk) sent together.
        SseFrames.Writer frames = new SseFrames.Writer(json.getFactory(), 4096);
        ChatStreamTranslator translator = new ChatStreamTranslator(json, context(), frames::event);
        translator.start();
        for (byte[] chunk : chunks) {
            translator.onChunk(json.readTree(chunk));
            frames.sendTo(out);
        }
        translator.onDone();
        frames.sendTo(out);
        return out.size();
    }

    /** The upstream's SSE bytes, one event per read, to Anthropic SSE bytes: the reader, the parse, the rest. */
    @Benchmark
    @OperationsPerInvocation(CHUNKS)
    public int sseBodyToSseBytes() {
        out.reset();
        SseFrames.Writer frames = new SseFrames.Writer(json.getFactory(), 4096);
        ClientChannel client = new ClientChannel() {
            @Override
            public void event(StreamEvent event) {
                frames.event(event);
            }

            @Override
            public void flush() {
                send(frames);
            }

            @Override
            public boolean clientGone() {
                return false;
            }
        };
        ChatStreamTranslator translator = new ChatStreamTranslator(json, context(), client);
        translator.start();
        new StreamRelay(json).relay(new OneEventPerRead(client), translator, client);
        send(frames);
        return out.size();
    }

    private void send(SseFrames.Writer frames) {
        try {
            frames.sendTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The upstream body, one event per read; what a read translated is sent before the next, as the gateway does. */
    private final class OneEventPerRead extends InputStream {
        private final ClientChannel client;
        private int next;
        /** Bytes of events[next] already read. */
        private int taken;

        OneEventPerRead(ClientChannel client) {
            this.client = client;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        /** At most the rest of one event: what the relay translated from the one before is sent first. */
        @Override
        public int read(byte[] b, int off, int len) {
            client.flush();
            if (next == events.size()) {
                return -1;
            }
            byte[] event = events.get(next);
            int count = Math.min(len, event.length - taken);
            System.arraycopy(event, taken, b, off, count);
            taken += count;
            if (taken == event.length) {
                next++;
                taken = 0;
            }
            return count;
        }
    }

    private static ResponseContext context() {
        int[] ids = {0};
        return new ResponseContext("msg_bench", "claude-sonnet-5", ToolNameMap.forNames(List.of("Bash"), 64),
                List.of(), (usage, estimate) -> new Usage(usage.path("prompt_tokens").asLong(), usage.path("completion_tokens").asLong(),
                        0, 0, 0, 0, 0),
                20_000, () -> "toolu_bench_" + ++ids[0]);
    }

    private static List<byte[]> upstreamChunks() {
        List<String> data = new ArrayList<>();
        data.add("{\"id\":\"gen-1\",\"model\":\"anthropic/claude-sonnet-4.6\",\"choices\":[{\"index\":0,"
                + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}");
        for (int i = 0; i < TEXT_CHUNKS - 1; i++) {
            data.add("{\"id\":\"gen-1\",\"model\":\"anthropic/claude-sonnet-4.6\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"content\":\" word" + i + "\"}}]}");
        }
        data.add("{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"toolu_1\",\"type\":\"function\",\"function\":{\"name\":\"Bash\",\"arguments\":\"\"}}]}}]}");
        data.add("{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"function\":{\"arguments\":\"{\\\"command\\\":\"}}]}}]}");
        data.add("{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,"
                + "\"function\":{\"arguments\":\"\\\"ls -la\\\"}\"}}]}}]}");
        data.add("{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}");
        data.add("{\"id\":\"gen-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":20000,\"completion_tokens\":230,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":19000}}}");
        return data.stream().map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
    }
}
