package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ThinkTagsTest {
    /** What came out, in order: "T:" thinking, "A:" answer text, consecutive pieces of a kind joined. */
    private final List<String> out = new ArrayList<>();
    private final ThinkTags tags = reader();

    /** A reader whose pieces go to {@link #out}. */
    private ThinkTags reader() {
        return reader(false);
    }

    /** A reader whose pieces go to {@link #out}, for a model whose chat template opened the tag in the prompt or not. */
    private ThinkTags reader(boolean openedInPrompt) {
        return new ThinkTags(new ThinkTags.Sink() {
            @Override
            public void thinking(String text) {
                add("T:", text);
            }

            @Override
            public void text(String text) {
                add("A:", text);
            }
        }, openedInPrompt);
    }

    private void add(String kind, String text) {
        if (!out.isEmpty() && out.getLast().startsWith(kind)) {
            out.set(out.size() - 1, out.getLast() + text);
        } else {
            out.add(kind + text);
        }
    }

    /** The content cut into three pieces at every pair of places: a tag split anywhere is still a tag. */
    private static List<List<String>> everySplit(String content) {
        List<List<String>> splits = new ArrayList<>();
        for (int i = 0; i <= content.length(); i++) {
            for (int j = i; j <= content.length(); j++) {
                splits.add(List.of(content.substring(0, i), content.substring(i, j), content.substring(j)));
            }
        }
        return splits;
    }

    private List<String> read(List<String> pieces, boolean openedInPrompt, boolean cutOff) {
        out.clear();
        ThinkTags fresh = reader(openedInPrompt);
        pieces.stream().filter(piece -> !piece.isEmpty()).forEach(fresh::accept);
        fresh.end(cutOff);
        return List.copyOf(out);
    }

    /** The expected pieces of a case: "T:…" and "A:…", with "\\n" for a line break; a missing second one is none. */
    private static List<String> expected(String first, String second) {
        return second == null ? List.of(first.replace("\\n", "\n"))
                : List.of(first.replace("\\n", "\n"), second.replace("\\n", "\n"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "<think>Let me look.</think>\\n\\nHello.    | T:Let me look. | A:Hello.",
            "\\n<think>\\nPlan.\\n</think>Done        | T:\\nPlan.\\n  | A:Done",
            "Hello <think>not a tag here</think>     | A:Hello <think>not a tag here</think> |",
            "<thinking>is not the tag</thinking>     | A:<thinking>is not the tag</thinking> |",
            "<think>cut off before the end </thi     | T:cut off before the end </thi |",
            "<thin                                   | A:<thin |",
    })
    void readsTheTagsWhereverThePiecesBreak(String content, String first, String second) {
        assertReadAtEverySplit(content, false, first, second);
    }

    /**
     * A model whose chat template ends the prompt with {@code <think>} (DeepSeek-R1's, Qwen3's thinking templates)
     * writes the reasoning, then {@code </think>}, then the answer: read that way wherever the pieces break, a repeated
     * opening tag left out, the tag's line breaks not said.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Let me look.</think>\\n\\nHello.            | T:Let me look. | A:Hello.",
            "\\nPlan first.\\n</think>\\n\\nDone      | T:Plan first.\\n | A:Done",
            "<think>Repeated tag.</think>Answer      | T:Repeated tag. | A:Answer",
            "a < b, so </thin is not it.</think>ok   | T:a < b, so </thin is not it. | A:ok",
    })
    void aTagOpenedInThePromptMakesTheContentReasoningUpToItsClose(String content, String first, String second) {
        assertReadAtEverySplit(content, true, first, second);
    }

    /** The case's content ("\\n" for a line break), cut at every pair of places, reads as the expected pieces. */
    private void assertReadAtEverySplit(String content, boolean openedInPrompt, String first, String second) {
        for (List<String> pieces : everySplit(content.strip().replace("\\n", "\n"))) {
            assertThat(read(pieces, openedInPrompt, false)).as("%s", pieces).isEqualTo(expected(first, second));
        }
    }

    /**
     * Content the prompt's tag opened that never closes: the model did not think after all (its template closed the
     * tag, thinking was switched off), so the answer is told again as text; unless the tokens ran out inside the
     * reasoning, which is where it ended.
     */
    @Test
    void reasoningThePromptOpenedAndNeverClosedIsRepeatedAsTheAnswerUnlessCutOff() {
        assertThat(read(List.of("The answer", " is 4."), true, false))
                .containsExactly("T:The answer is 4.", "A:The answer is 4.");
        assertThat(read(List.of("Still weighing", " it </thi"), true, true))
                .containsExactly("T:Still weighing it </thi");
    }

    /** A server that parsed the reasoning sends it in a field of its own: the content after it is the answer. */
    @Test
    void reasoningThatCameInAFieldOfItsOwnLeavesTheContentTheAnswer() {
        out.clear();
        ThinkTags opened = reader(true);
        opened.reasoningElsewhere();
        opened.accept("Hello.");
        opened.end(false);
        assertThat(out).containsExactly("A:Hello.");
    }

    @Test
    void anAnswerWithoutTheTagPassesOnAsItComesOnceTheFirstPieceHasDecided() {
        tags.accept("Hel");
        tags.accept("lo <think>");
        assertThat(out).containsExactly("A:Hello <think>");
        tags.end(false);
        assertThat(out).containsExactly("A:Hello <think>");
    }
}
