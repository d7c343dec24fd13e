package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.api.anthropic.SseFrames;
import dev.ccrouter.api.anthropic.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Golden-fixture plumbing shared by the translator tests. Run with {@code -Dfixtures.update=true} to rewrite the
 * expected files from the current output; then review every changed file by eye before committing it.
 */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final boolean UPDATE = Boolean.getBoolean("fixtures.update");
    static final Path ROOT = Path.of("src/test/resources/fixtures");

    static final String MESSAGE_ID = "msg_test";
    static final String DEFAULT_MODEL = "claude-sonnet-5";
    static final long ESTIMATED_INPUT_TOKENS = 1200;
    static final int TOOL_NAME_LIMIT = 64;

    private Fixtures() {
    }

    /** Case names in a fixture folder: the file names before {@code suffix}, sorted. */
    static List<String> cases(String folder, String suffix) {
        try (Stream<Path> files = Files.list(ROOT.resolve(folder))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(suffix))
                    .map(n -> n.substring(0, n.length() - suffix.length()))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path file(String folder, String name) {
        return ROOT.resolve(folder).resolve(name);
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode readJson(Path file) {
        return readJson(read(file));
    }

    static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The fixed context of a case; {@code <case>.context.json} may set {@code requestedModel}, {@code stopSequences},
     * {@code toolNames} (client tool names, shortened past 64 characters), {@code cacheTtl1h} and
     * {@code webSearchQuery} (the request carried a web_search server tool that searched for it) and
     * {@code thinkOpenedInPrompt} (the model's chat template opened {@code <think>} in the prompt). Usage is mapped
     * by {@link #tokenUsage}: the translators' job is to hand the final usage object over and place the result;
     * what the numbers are is billing's, tested there.
     */
    static ResponseContext context(String folder, String name) {
        Path file = file(folder, name + ".context.json");
        JsonNode options = Files.exists(file) ? readJson(file) : JSON.createObjectNode();
        List<String> stopSequences = strings(options.path("stopSequences"));
        List<String> toolNames = strings(options.path("toolNames"));
        AtomicInteger ids = new AtomicInteger();
        return new ResponseContext(MESSAGE_ID,
                options.path("requestedModel").asText(DEFAULT_MODEL),
                ToolNameMap.forNames(toolNames, TOOL_NAME_LIMIT),
                stopSequences,
                tokenUsage(options.path("cacheTtl1h").asBoolean(false)),
                ESTIMATED_INPUT_TOKENS,
                () -> "toolu_gen_" + ids.incrementAndGet(),
                options.path("webSearchQuery").asText(null),
                options.path("thinkOpenedInPrompt").asBoolean(false));
    }

    /** A stand-in for billing's accounting: OpenRouter token semantics, writes as reported, no prices. */
    static UsageMapper tokenUsage(boolean cacheTtl1h) {
        return (usage, estimate) -> {
            long prompt = usage.path("prompt_tokens").asLong(0);
            long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
            long writes = usage.path("prompt_tokens_details").path("cache_write_tokens").asLong(0);
            return new Usage(Math.max(0, prompt - cached - writes), usage.path("completion_tokens").asLong(0),
                    writes, cached, cacheTtl1h ? 0 : writes, cacheTtl1h ? writes : 0, 0);
        };
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return List.copyOf(values);
    }

    /** Runs an upstream SSE transcript through a fresh translator and returns the Anthropic SSE text it wrote. */
    static String translateStream(String upstreamSse, ResponseContext context) {
        SseFrames.Writer frames = new SseFrames.Writer(JSON.getFactory(), 1024);
        ChatStreamTranslator translator = new ChatStreamTranslator(JSON, context, frames::event);
        translator.start();
        UpstreamSse.feed(upstreamSse, translator);
        if (!translator.ended()) {
            throw new AssertionError("the translator has not ended after the end of the upstream body");
        }
        return sent(frames);
    }

    /** What the writer has framed, as text. */
    static String sent(SseFrames.Writer frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            frames.sendTo(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * A minimal SSE reader standing in for the upstream client: {@code data:} lines are joined per event, comment
     * lines and other fields are skipped, {@code [DONE]} is {@code onDone()}, and the end of the text is
     * {@code onEndOfStream()}.
     */
    static final class UpstreamSse {
        private UpstreamSse() {
        }

        static void feed(String transcript, ChatStreamTranslator translator) {
            StringBuilder data = null;
            for (String line : transcript.split("\n", -1)) {
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                if (line.isEmpty()) {
                    dispatch(data, translator);
                    data = null;
                } else if (line.startsWith(":")) {
                    continue;
                } else if (line.startsWith("data:")) {
                    String value = line.substring("data:".length());
                    value = value.startsWith(" ") ? value.substring(1) : value;
                    data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                }
            }
            dispatch(data, translator);
            translator.onEndOfStream();
        }

        private static void dispatch(StringBuilder data, ChatStreamTranslator translator) {
            if (data == null) {
                return;
            }
            String payload = data.toString();
            if (payload.equals("[DONE]")) {
                translator.onDone();
                return;
            }
            try {
                translator.onChunk(JSON.readTree(payload));
            } catch (IOException e) {
                throw new UncheckedIOException("fixture has a data line that is not JSON: " + payload, e);
            }
        }
    }
}
