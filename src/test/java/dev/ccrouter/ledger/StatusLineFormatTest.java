package dev.ccrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The status line's numbers at the edges of their units (docs/ledger.md: 950, 52.7k, 1.23M; $0.0515, $1.42). */
class StatusLineFormatTest {
    @Test
    void tokensJustBelowAMillionReadAsMillionsNotAThousandK() {
        assertThat(StatusLine.tokens(999_949)).isEqualTo("999.9k");
        assertThat(StatusLine.tokens(999_950)).isEqualTo("1.00M");
        assertThat(StatusLine.tokens(999_999)).isEqualTo("1.00M");
        assertThat(StatusLine.tokens(1_234_567)).isEqualTo("1.23M");
    }

    @Test
    void dollarsThatRoundToADollarAreShownInCents() {
        assertThat(StatusLine.dollars(new BigDecimal("0.99994"))).isEqualTo("$0.9999");
        assertThat(StatusLine.dollars(new BigDecimal("0.99996"))).isEqualTo("$1.00");
        assertThat(StatusLine.dollars(new BigDecimal("1.4249"))).isEqualTo("$1.42");
    }
}
