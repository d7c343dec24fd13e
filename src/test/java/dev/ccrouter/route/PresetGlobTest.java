package dev.ccrouter.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The model-id patterns of preset files: {@code *} is any run of characters, case is ignored. */
class PresetGlobTest {
    @ParameterizedTest
    @CsvSource({
            "anthropic/*, anthropic/claude-sonnet-4.6, true",
            "anthropic/*, ~anthropic/claude-sonnet-latest, false",
            "~anthropic/*, ~anthropic/claude-sonnet-latest, true",
            "google/gemini*, Google/Gemini-2.5-Pro, true",
            "google/gemini*, google/gemma-3, false",
            "*-flash, deepseek-flash, true",
            "*-flash, deepseek-flash-vision, false",
            "deepseek-*-pro, deepseek-v4-pro, true",
            "deepseek-*-pro, deepseek-pro, false",
            "a*b*c, axxbyyc, true",
            "a*b*c, acb, false",
            "a*a, a, false",
            "gpt-4o, GPT-4o, true",
            "gpt-4o, gpt-4o-mini, false",
            "*, anything/at-all, true",
    })
    void matchesLikeAShellWildcard(String pattern, String model, boolean matches) {
        assertThat(Preset.ModelSpec.glob(pattern, model)).isEqualTo(matches);
    }
}
