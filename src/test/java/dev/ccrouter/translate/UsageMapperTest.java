package dev.ccrouter.translate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ccrouter.api.anthropic.Usage;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UsageMapperTest {

    static Stream<Arguments> rows() {
        String cached = "{\"prompt_tokens\":52000,\"completion_tokens\":300,\"total_tokens\":52300,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":48000,\"cache_write_tokens\":3500,\"audio_tokens\":0}}";
        return Stream.of(
                Arguments.of("plain", "{\"prompt_tokens\":100,\"completion_tokens\":20,\"total_tokens\":120}", false,
                        new Usage(100, 20, 0, 0, 0, 0, 0)),
                Arguments.of("OpenAI cache reads", "{\"prompt_tokens\":2006,\"completion_tokens\":300,"
                                + "\"prompt_tokens_details\":{\"cached_tokens\":1920,\"audio_tokens\":0},"
                                + "\"completion_tokens_details\":{\"reasoning_tokens\":250}}", false,
                        new Usage(86, 300, 0, 1920, 0, 0, 0)),
                Arguments.of("reads and 5-minute writes", cached, false, new Usage(500, 300, 3500, 48000, 3500, 0, 0)),
                Arguments.of("reads and 1-hour writes", cached, true, new Usage(500, 300, 3500, 48000, 0, 3500, 0)),
                Arguments.of("details null", "{\"prompt_tokens\":10,\"completion_tokens\":2,\"prompt_tokens_details\":null}", false,
                        new Usage(10, 2, 0, 0, 0, 0, 0)),
                Arguments.of("counts null", "{\"prompt_tokens\":null,\"completion_tokens\":null}", false, Usage.ZERO),
                Arguments.of("empty", "{}", true, Usage.ZERO),
                Arguments.of("cache counts above the prompt never go negative",
                        "{\"prompt_tokens\":100,\"completion_tokens\":1,\"prompt_tokens_details\":{\"cached_tokens\":90,\"cache_write_tokens\":20}}",
                        false, new Usage(0, 1, 20, 90, 20, 0, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void maps(String name, String usage, boolean cacheTtl1h, Usage expected) throws Exception {
        assertEquals(expected, UsageMapper.tokens(cacheTtl1h).map(Fixtures.JSON.readTree(usage)));
    }
}
