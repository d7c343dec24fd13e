package dev.ccrouter.api.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Jackson's messages for malformed JSON, as the gateway passes them on: the problem and where, no parser switches. */
class JsonProblemsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void nonNumericNumbersAndPlusSignsAreNamedWithoutTheSwitchThatWouldAllowThem() {
        assertThat(problemIn("{\"a\":NaN}")).isEqualTo("Non-standard token 'NaN'");
        assertThat(problemIn("{\"a\":-Infinity}")).isEqualTo("Non-standard token '-Infinity'");
        assertThat(problemIn("{\"a\":+1}")).isEqualTo(
                "Unexpected character ('+' (code 43)) in numeric value: JSON spec does not allow numbers to have plus signs");
    }

    @Test
    void aCommentIsSaidToBeNoJson() {
        assertThat(problemIn("{\"a\":1 /* note */}"))
                .isEqualTo("Unexpected character ('/' (code 47)): maybe a (non-standard) comment? (JSON has no comments)");
    }

    @Test
    void whereSomethingStartedIsALineAndAColumn() {
        assertThat(problemIn("{\"a\":[1,2"))
                .isEqualTo("Unexpected end-of-input: expected close marker for Array (start marker at line 1, column 6)");
    }

    private static String problemIn(String body) {
        JsonProcessingException e = catchThrowableOfType(JsonProcessingException.class, () -> JSON.readTree(body));
        return JsonProblems.plain(e.getOriginalMessage());
    }
}
