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
        return new ThinkTags(new ThinkTags.Sink() {
            @Override
            public void thinking(String text) {
                add("T:", text);
            }

            @Override
            public void text(String text) {
                add("A:", text);
            }
        });
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

    private List<String> read(List<String> pieces) {
        out.clear();
        ThinkTags fresh = reader();
        pieces.stream().filter(piece -> !piece.isEmpty()).forEach(fresh::accept);
        fresh.end();
        return List.copyOf(out);
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
        String unescaped = content.strip().replace("\\n", "\n");
        List<String> expected = second == null ? List.of(first.replace("\\n", "\n"))
                : List.of(first.replace("\\n", "\n"), second.replace("\\n", "\n"));
        for (List<String> pieces : everySplit(unescaped)) {
            assertThat(read(pieces)).as("%s", pieces).isEqualTo(expected);
        }
    }

    @Test
    void anAnswerWithoutTheTagPassesOnAsItComesOnceTheFirstPieceHasDecided() {
        tags.accept("Hel");
        tags.accept("lo <think>");
        assertThat(out).containsExactly("A:Hello <think>");
        tags.end();
        assertThat(out).containsExactly("A:Hello <think>");
    }
}
