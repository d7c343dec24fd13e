package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rule that picks the URL shown in setup commands; the server-level cases are in {@code WebPagesTest}. */
class InstanceUrlTest {

    @ParameterizedTest(name = "{0} | {1} | {2} | {3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // configured URL wins over every header
            "https://cc.example.com | https         | proxy.example.com | 127.0.0.1:8787  | https://cc.example.com",
            // a reverse proxy's headers, first value of each list
            "-                      | https         | cc.example.com    | 127.0.0.1:8787  | https://cc.example.com",
            "-                      | 'https, http' | 'a.example, b'    | 127.0.0.1:8787  | https://a.example",
            "-                      | HTTPS         | cc.example.com:8443 | internal:8787 | https://cc.example.com:8443",
            // only the scheme forwarded (nginx passing Host through): the Host header with it
            "-                      | https         | -                 | cc.example.com  | https://cc.example.com",
            // no proxy
            "-                      | -             | -                 | localhost:8787  | http://localhost:8787",
            "-                      | -             | -                 | '[::1]:8787'    | http://[::1]:8787",
            // unknown schemes and hostile values are ignored, never echoed
            "-                      | javascript    | -                 | cc.example.com  | http://cc.example.com",
            "-                      | https         | 'evil\"><script>' | cc.example.com  | https://cc.example.com",
            "-                      | -             | '$(id).example'   | 'a b'           | http://127.0.0.1:8787",
            "-                      | -             | -                 | 'x.example/p?q' | http://127.0.0.1:8787",
            "-                      | -             | -                 | -               | http://127.0.0.1:8787",
    })
    void picksTheUrlUsersReachTheInstanceAt(String publicUrl, String proto, String forwardedHost, String host,
                                            String expected) {
        assertThat(InstanceUrl.from(publicUrl, Optional.ofNullable(proto), Optional.ofNullable(forwardedHost),
                Optional.ofNullable(host), 8787)).isEqualTo(expected);
    }
}
