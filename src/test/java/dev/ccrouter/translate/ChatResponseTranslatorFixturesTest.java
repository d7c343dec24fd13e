package dev.ccrouter.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ccrouter.api.anthropic.AnthropicError;
import dev.ccrouter.api.anthropic.JsonTrees;
import dev.ccrouter.api.anthropic.Usage;
import dev.ccrouter.testing.AnthropicStreamGrammar;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden non-stream fixtures: {@code fixtures/response/<case>.openai.json} (a whole chat completion) must translate to
 * exactly the Message in {@code <case>.anthropic.json} (JSON tree equality, and byte for byte once compact), or, for a 200 body that reports a
 * failure, to the error in {@code <case>.error.json} ({@code status}, {@code retry_after}, {@code body}), with the
 * usage the failed answer is billed with ({@code billed_usage}, by the fixtures' stand-in accounting; null when the
 * answer carried none).
 */
class ChatResponseTranslatorFixturesTest {
    private static final String FOLDER = "response";
    private static final String UPSTREAM = ".openai.json";
    private static final String EXPECTED = ".anthropic.json";
    private static final String EXPECTED_ERROR = ".error.json";

    static List<String> cases() {
        return Fixtures.cases(FOLDER, UPSTREAM);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void translatesTheCompletionExactly(String name) {
        JsonNode completion = Fixtures.readJson(Fixtures.file(FOLDER, name + UPSTREAM));
        List<Usage> billed = new ArrayList<>();
        ResponseContext context = billingFailures(Fixtures.context(FOLDER, name), billed);
        JsonNode actual;
        String written = null;
        boolean failed;
        try {
            WholeMessage message = new ChatResponseTranslator(Fixtures.JSON).translate(completion, context);
            written = new String(message.toBytes(Fixtures.JSON), StandardCharsets.UTF_8);
            actual = Fixtures.readJson(written);
            failed = false;
        } catch (UpstreamFailureException e) {
            actual = errorJson(e.error(), billed);
            failed = true;
        }
        Path expectedFile = Fixtures.file(FOLDER, name + (failed ? EXPECTED_ERROR : EXPECTED));
        Path otherFile = Fixtures.file(FOLDER, name + (failed ? EXPECTED : EXPECTED_ERROR));
        if (Fixtures.UPDATE) {
            Fixtures.write(expectedFile, pretty(actual));
        }
        assertTrue(Files.exists(expectedFile), "missing " + expectedFile + " (run with -Dfixtures.update=true, then review it)");
        assertFalse(Files.exists(otherFile), "expected " + otherFile + " but the translation gave " + expectedFile);
        JsonNode expected = Fixtures.readJson(expectedFile);
        if (!failed) {
            AnthropicStreamGrammar.checkMessage(expected);
        }
        // Through text and back, so that a long and an int of the same value compare equal, as on the wire.
        assertEquals(expected, Fixtures.readJson(pretty(actual)));
        if (!failed) { // and on the wire exactly as expected, fields in the file's order
            assertEquals(new String(JsonTrees.bytes(Fixtures.JSON.getFactory(), expected), StandardCharsets.UTF_8),
                    written);
        }
    }

    @Test
    void everyExpectedFileHasACompletion() {
        List<String> expected = new ArrayList<>(Fixtures.cases(FOLDER, EXPECTED));
        expected.addAll(Fixtures.cases(FOLDER, EXPECTED_ERROR));
        assertEquals(cases(), expected.stream().sorted().toList());
    }

    /** The error, and the usage its failed answer is billed with (null when the answer carried none). */
    private static JsonNode errorJson(AnthropicError error, List<Usage> billed) {
        ObjectNode node = Fixtures.JSON.createObjectNode();
        node.put("status", error.status());
        node.put("retry_after", error.retryAfter());
        node.set("body", error.toEnvelope());
        node.set("billed_usage", billed.isEmpty() ? null : billed.getFirst().toJson());
        return node;
    }

    /** The context, its accounting also noting each failed answer's usage as it would bill it. */
    private static ResponseContext billingFailures(ResponseContext context, List<Usage> billed) {
        UsageMapper accounting = new UsageMapper() {
            @Override
            public Usage map(JsonNode openAiUsage, Usage estimate) {
                return context.usage().map(openAiUsage, estimate);
            }

            @Override
            public void failed(JsonNode openAiUsage) {
                billed.add(context.usage().map(openAiUsage, Usage.ZERO));
            }
        };
        return new ResponseContext(context.messageId(), context.requestedModel(), context.toolNames(),
                context.stopSequences(), accounting, context.estimatedInputTokens(), context.toolUseIds(),
                context.webSearchQuery(), context.thinkOpenedInPrompt());
    }

    private static String pretty(JsonNode node) {
        try {
            return Fixtures.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
