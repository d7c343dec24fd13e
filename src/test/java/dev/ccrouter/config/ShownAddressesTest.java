package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Addresses, and text that quotes them, as messages show them: without the passwords and keys they may carry. */
class ShownAddressesTest {

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
