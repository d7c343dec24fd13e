package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an Anthropic-wire provider writes into a relayed stream loses the request's keys, in any case and encoding,
 * and anything shaped like a key, without its other words being touched.
 */
class RelayedTextKeysTest {
    private static final String PROVIDER_KEY = "ak-provider-9876543210zyxwvu";

    @Test
    void theRequestsKeysGoInAnyCaseAndEncodingAndSkTokensWhoeverTheyBelongTo() {
        List<String> keys = Arrays.asList("gk-client-key", null, PROVIDER_KEY);

        assertThat(SecretRedaction.relayed("bad key " + PROVIDER_KEY.toUpperCase() + ", " + "gk-client-key", keys))
                .isEqualTo("bad key [redacted], [redacted]");
        assertThat(SecretRedaction.relayed("data: bad key sk-ant-api03-PROVIDERLEAK0123456789abcdefghij", keys))
                .isEqualTo("data: bad key [redacted]");
        assertThat(SecretRedaction.relayed("key=" + PROVIDER_KEY.substring(0, 14) + "%2D" + PROVIDER_KEY.substring(15), keys))
                .as("a run of the key left behind an encoding withholds the text")
                .isEqualTo(SecretRedaction.WITHHELD);
    }

    @Test
    void wordsThatOnlyLookLikeAKeyInsideThemStayAsTheyAre() {
        String text = "Overloaded: task-specific limits reached for risk-assessment";

        assertThat(SecretRedaction.relayed(text, List.of(PROVIDER_KEY))).isSameAs(text);
    }
}
