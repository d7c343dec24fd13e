package dev.ccrouter.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The {@code Date} header's text, written by hand, is IMF-fixdate as the JDK's formatter writes it. */
class StatusLinesTest {
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    @Test
    void rfc9110sExampleDate() {
        assertThat(StatusLines.httpDate(784_111_777L)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }

    @Property
    void anySecondFrom1970To2100IsWrittenAsTheFormatterWouldWriteIt(
            @ForAll @LongRange(min = 0, max = 4_102_444_800L) long epochSecond) {
        assertThat(StatusLines.httpDate(epochSecond))
                .isEqualTo(IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond).atOffset(ZoneOffset.UTC)));
    }
}
