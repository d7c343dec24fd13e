package dev.ccrouter.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ccrouter.testing.AnthropicStreamGrammar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden stream fixtures: {@code fixtures/stream/<case>.upstream.sse} (a raw upstream transcript) must translate to
 * exactly {@code <case>.anthropic.sse}, and every expected file must itself obey the Anthropic stream grammar.
 */
class ChatStreamTranslatorFixturesTest {
    private static final String FOLDER = "stream";
    private static final String UPSTREAM = ".upstream.sse";
    private static final String EXPECTED = ".anthropic.sse";

    static List<String> cases() {
        return Fixtures.cases(FOLDER, UPSTREAM);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void translatesTheTranscriptExactly(String name) {
        String actual = Fixtures.translateStream(Fixtures.read(Fixtures.file(FOLDER, name + UPSTREAM)),
                Fixtures.context(FOLDER, name));
        Path expectedFile = Fixtures.file(FOLDER, name + EXPECTED);
        if (Fixtures.UPDATE) {
            Fixtures.write(expectedFile, actual);
        }
        assertTrue(Files.exists(expectedFile), "missing " + expectedFile + " (run with -Dfixtures.update=true, then review it)");
        String expected = Fixtures.read(expectedFile);
        AnthropicStreamGrammar.check(expected);
        assertEquals(expected, actual);
    }

    @Test
    void everyExpectedFileHasATranscript() {
        assertEquals(Fixtures.cases(FOLDER, EXPECTED), cases());
    }
}
