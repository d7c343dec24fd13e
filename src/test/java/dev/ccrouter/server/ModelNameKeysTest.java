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
}
