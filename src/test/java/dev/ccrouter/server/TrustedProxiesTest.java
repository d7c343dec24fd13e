package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedProxiesTest {
    static final TrustedProxies PROXIES = new TrustedProxies(List.of("127.0.0.1", "10.0.0.0/8", "192.168.4.0/22", "::1"));

    @ParameterizedTest
    @CsvSource({"127.0.0.1,true", "127.0.0.2,false", "10.200.3.4,true", "11.0.0.1,false", "192.168.7.255,true",
            "192.168.8.0,false", "::1,true", "::2,false"})
    void addressesAndRanges(String address, boolean trusted) throws Exception {
        assertThat(PROXIES.trusts(InetAddress.getByName(address))).isEqualTo(trusted);
    }

    @ParameterizedTest
    @ValueSource(strings = {"proxy.example.com", "10.0.0.0/33", "10.0.0.0/x", "localhost"})
    void namesAndBadPrefixesAreRefusedAtStart(String entry) {
        assertThatThrownBy(() -> new TrustedProxies(List.of(entry))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("server.trusted_proxies: '" + entry + "'");
    }
}
