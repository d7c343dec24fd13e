package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Endpoints hang off a base URL's path; a query the base carries stays the query. */
class BaseUrlsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://openrouter.ai/api/v1|/chat/completions|https://openrouter.ai/api/v1/chat/completions",
        "https://openrouter.ai/api/v1/|/models|https://openrouter.ai/api/v1/models",
        "https://res.openai.azure.com/openai/deployments/gpt-4o?api-version=2024-10-21|/chat/completions"
                + "|https://res.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21",
        "https://proxy.example/v1/?token=a%2Fb|/messages|https://proxy.example/v1/messages?token=a%2Fb",
        "http://llama_cpp:8080/v1?|/chat/completions|http://llama_cpp:8080/v1/chat/completions",
        "http://127.0.0.1:8080/v1#docs|/chat/completions|http://127.0.0.1:8080/v1/chat/completions"})
    void anEndpointGoesUnderTheBasesPathAndBeforeItsQuery(String base, String path, String expected) {
        assertThat(BaseUrls.under(URI.create(base), path)).hasToString(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://openrouter.ai/api/v1|https://openrouter.ai/api/v1/generation?id=gen-1",
        "https://proxy.example/api/v1?token=t|https://proxy.example/api/v1/generation?id=gen-1&token=t"})
    void anEndpointsOwnQueryComesBeforeTheBases(String base, String expected) {
        assertThat(BaseUrls.under(URI.create(base), "/generation", "id=gen-1")).hasToString(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "https://api.moonshot.ai/anthropic/v1|true", "https://api.moonshot.ai/anthropic/v1/|true",
        "https://api.moonshot.ai/anthropic|false", "https://gw.example/anthropic/v1?key=k|true",
        "https://gw.example/anthropic?v=/v1|false"})
    void aPathEndingIsReadWithoutTheQuery(String base, boolean endsWithV1) {
        assertThat(BaseUrls.pathEndsWith(URI.create(base), "/v1")).isEqualTo(endsWithV1);
    }
}
