package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hosts read from base URLs, including the names {@link URI} reads none from: a Docker Compose service named
 * {@code llama_cpp} is reached as {@code http://llama_cpp:8080/v1}.
 */
class UrlHostsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "null", textBlock = """
            http://llama_cpp:8080/v1          | llama_cpp        | 8080 | llama_cpp:8080
            http://open_webui/api              | open_webui       | -1   | open_webui
            https://user:secret@my_proxy:8443/x | my_proxy        | 8443 | my_proxy:8443
            https://openrouter.ai/api/v1       | openrouter.ai    | -1   | openrouter.ai
            http://127.0.0.1:11434/v1          | 127.0.0.1        | 11434 | 127.0.0.1:11434
            http://[::1]:8000/v1               | [::1]            | 8000 | [::1]:8000
            http://bad_port:99999/v1           | null             | -1   | null
            http://_.:1/v1                     | null             | -1   | null
            file:/etc/passwd                   | null             | -1   | null
            """)
    void aHostAndPortAsTheUrlWritesThem(String url, String host, int port, String hostAndPort) {
        URI uri = URI.create(url);
        assertThat(UrlHosts.host(uri)).isEqualTo(host);
        assertThat(UrlHosts.port(uri)).isEqualTo(port);
        if (host != null) {
            assertThat(UrlHosts.hostAndPort(uri)).isEqualTo(hostAndPort);
        }
    }
}
