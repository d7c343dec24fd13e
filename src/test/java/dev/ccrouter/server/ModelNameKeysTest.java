package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A key pasted into a model name is found whatever was checked before: a name and key found clean are remembered as
 * such, and that memory never lets another key, or the same key in another name, through.
 */
class ModelNameKeysTest {
    private static final String KEY_A = "AIzaSyPLANTEDaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static final String KEY_B = "gsk_PLANTEDbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    @Test
    void aNameFoundCleanWithOneKeyIsStillSearchedForAnother() {
        String name = "claude-sonnet-4-5 " + KEY_B;
        assertThat(SecretRedaction.withoutKey(name, KEY_A)).isSameAs(name);
        assertThat(SecretRedaction.withoutKey(name, KEY_A)).isSameAs(name); // remembered clean
        assertThat(SecretRedaction.withoutKey(name, KEY_B)).isEqualTo("claude-sonnet-4-5 [redacted]");
    }

    @Test
    void aKeyFoundAbsentFromOneNameIsStillSearchedForInAnother() {
        assertThat(SecretRedaction.withoutKey("claude-opus-4-6", KEY_A)).isEqualTo("claude-opus-4-6");
        assertThat(SecretRedaction.withoutKey(KEY_A.substring(0, 20), KEY_A)).isEqualTo("[redacted]");
        assertThat(SecretRedaction.withoutKey("claude-opus-4-6", KEY_A)).isEqualTo("claude-opus-4-6");
    }

    /** A target's label, logged while the request runs: every key the request touched, and any sk-… token, go. */
    @Test
    void aLabelLosesEveryKeyOfTheRequestAndAnySkToken() {
        assertThat(SecretRedaction.withoutKeys("openrouter,erefused-" + KEY_A,
                java.util.Arrays.asList(null, KEY_B, KEY_A))).isEqualTo("openrouter,erefused-[redacted]");
        assertThat(SecretRedaction.withoutKeys("openrouter,erefused-sk-or-v1-LEAKCHECK0123456789abcdef",
                java.util.List.of(KEY_A))).isEqualTo("openrouter,erefused-[redacted]");
        assertThat(SecretRedaction.withoutKeys("openrouter,openai/gpt-4.1", java.util.List.of(KEY_A, KEY_B)))
                .isEqualTo("openrouter,openai/gpt-4.1");
    }
}
