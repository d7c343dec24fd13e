package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Addresses, and text that quotes them, as messages show them: without the passwords and keys they may carry. */
class ShownAddressesTest {

    /**
     * User information written with no {@code //} before it is masked as it is after one, up to the last {@code @}
     * (a password may hold a '/'); an address whose {@code //} comes first is left to the usual masking.
     */
    @ParameterizedTest
    @CsvSource({
            "user:PLANTED7@proxy.example/v1, user:…@proxy.example/v1",
            "https:user:PLANTED9@proxy.example/v1, https:user:…@proxy.example/v1",
            "HTTP:user:PLANTED9@proxy.example/v1, HTTP:user:…@proxy.example/v1",
            "https:PLANTEDtoken@proxy.example/v1, https:…@proxy.example/v1",
            "PLANTEDtoken@proxy.example/v1, …@proxy.example/v1",
            "user:PLANTED/b64+x=@proxy.example/v1, user:…@proxy.example/v1",
            "user:PLANTED@proxy.example//v1?q=1, user:…@proxy.example//v1",
            "https://user:PLANTED@proxy.example/v1, https://user:…@proxy.example/v1",
            "proxy.example/v1, proxy.example/v1",
    })
    void anAddressIsShownWithoutItsPasswordWithOrWithoutSlashes(String address, String shown) {
        assertThat(Secrets.maskAddress(address)).isEqualTo(shown);
    }

    /** A SQLite ledger names a file: an '@' in its path (a home directory named user@domain) is no user's. */
    @Test
    void aSqliteLedgersFileIsShownWholeWithoutItsQuery() {
        LedgerSettings ledger = new LedgerSettings(true,
                "jdbc:sqlite:/home/me@corp.example/.ccrouter/ledger.db?password=PLANTED", 10, Duration.ofSeconds(1));

        assertThat(ledger.displayUrl()).isEqualTo("jdbc:sqlite:/home/me@corp.example/.ccrouter/ledger.db");
    }

    @Test
    void keyShapedTokensAreShownAsKeysAre() {
        assertThat(Secrets.maskKeys("providers[0].models.echo-sk-or-v1-PLANTED0123456789abcdef.images"))
                .isEqualTo("providers[0].models.echo-sk-…cdef.images");
        assertThat(Secrets.maskKeys("deepseek,deepseek-chat")).isEqualTo("deepseek,deepseek-chat");
    }

    @Test
    void aMessageQuotingAnAddressShowsItMaskedAndNoneOfItsPasswordsWhereverTheyAre() {
        String url = "jdbc:postgresql://u:PG%2FLEAK1@db.example:5432/ledger?user=u&sslpassword=PGLEAK2";

        assertThat(Secrets.maskAddressIn("Unable to parse URL " + url, url))
                .isEqualTo("Unable to parse URL jdbc:postgresql://u:…@db.example:5432/ledger");
        assertThat(Secrets.maskAddressIn("UnknownHostException: u:PG/LEAK1@db.example", url))
                .isEqualTo("UnknownHostException: u:…@db.example");
        assertThat(Secrets.maskAddressIn("could not load the client key: PGLEAK2 is wrong", url))
                .isEqualTo("could not load the client key: … is wrong");
        assertThat(Secrets.maskAddressIn("Connection refused", url)).isEqualTo("Connection refused");
    }
}
