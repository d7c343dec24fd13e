package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PublicUrlTest {

    @ParameterizedTest
    @CsvSource({
            "https://ccrouter.example.com,       https://ccrouter.example.com",
            "https://ccrouter.example.com/,      https://ccrouter.example.com",
            "'  http://127.0.0.1:8787//  ',      http://127.0.0.1:8787",
            "http://[::1]:8787,                  http://[::1]:8787",
            "https://gw.example.com/team/cc,     https://gw.example.com/team/cc",
            "https://a-b.example.com:65535/x_y~, https://a-b.example.com:65535/x_y~",
    })
    void plainUrlsAreAccepted(String text, String expected) {
        assertThat(PublicUrl.parse(text)).contains(new PublicUrl(expected));
    }

    /** Each of these would be dangerous or wrong inside the generated bash script. */
    @ParameterizedTest
    @ValueSource(strings = {
            "ccrouter.example.com", "ftp://ccrouter.example.com", "https://", "https://-x.example.com",
            "https://x.example.com'; rm -rf ~; '", "https://x.example.com/$(id)", "https://x.example.com/`id`",
            "https://x.example.com/a b", "https://x.example.com\nexport A=1", "https://x.example.com:0",
            "https://x.example.com:65536", "https://x.example.com?a=1", "https://x.example.com#top",
            "https://user@x.example.com", "https://x.example.com/\"", "https://x.example.com/\\", "https://[::1]x",
            "https://x.example.com/%2e", ""})
    void anythingElseIsRefused(String text) {
        assertThat(PublicUrl.parse(text)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://x.example.com/", "http://x.example.com:99999"})
    void constructorOnlyTakesTheNormalForm(String text) {
        assertThatThrownBy(() -> new PublicUrl(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
