package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class StopSequencesTest {

    @Test
    void withoutSequencesThereIsNothingToWatch() {
        assertThat(StopSequences.watching(List.of())).isNull();
        assertThat(StopSequences.watching(List.of(""))).isNull();
    }

    @Test
    void textThatCannotBeginASequencePassesAtOnce() {
        StopSequences stops = StopSequences.watching(List.of("</block>"));

        assertThat(stops.accept("<block>no")).isEqualTo("<block>no");
        assertThat(stops.matched()).isNull();
    }

    @Test
    void aSequenceSplitBetweenPiecesEndsTheTextWithoutIt() {
        StopSequences stops = StopSequences.watching(List.of("</block>"));

        assertThat(stops.accept("<block>no</bl")).isEqualTo("<block>no");
        assertThat(stops.accept("ock>\n<reason>The command is safe.")).isEmpty();
        assertThat(stops.matched()).isEqualTo("</block>");
        assertThat(stops.accept("</reason>")).isEmpty();
        assertThat(stops.rest()).isEmpty();
    }

    @Test
    void whatOnlyLookedLikeABeginningGoesOnWithTheNextPieceOrAtTheEnd() {
        StopSequences stops = StopSequences.watching(List.of("</block>"));

        assertThat(stops.accept("a </b")).isEqualTo("a ");
        assertThat(stops.accept("r> b <")).isEqualTo("</br> b ");
        assertThat(stops.rest()).isEqualTo("<");
        assertThat(stops.matched()).isNull();
    }

    @Test
    void theSequenceCompletedFirstIsWhereTheModelStops() {
        StopSequences stops = StopSequences.watching(List.of("Human:", "\n\n"));

        assertThat(stops.accept("One.\n\nHuman: two")).isEqualTo("One.");
        assertThat(stops.matched()).isEqualTo("\n\n");
    }
}
