package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserHashesTest {
    // expected: printf %s VALUE | sha256sum | cut -c1-32
    static final String USER_ABC = "9cfc09aa76ff341a02ddecbf0bb1bff2";
    static final String U_2 = "1fe2696cbaaf13d5dcd4d466fcfd3331";

    @Test
    void theSameUserTwiceHashesTheSame() {
        UserHashes hashes = new UserHashes();

        assertThat(hashes.of("user_abc")).isEqualTo(USER_ABC);
        assertThat(hashes.of(new String("user_abc"))).isEqualTo(USER_ABC);
    }

    @Test
    void usersTakingTurnsEachGetTheirOwnHash() {
        UserHashes hashes = new UserHashes();

        assertThat(hashes.of("user_abc")).isEqualTo(USER_ABC);
        assertThat(hashes.of("u-2")).isEqualTo(U_2);
        assertThat(hashes.of("user_abc")).isEqualTo(USER_ABC);
        assertThat(hashes.of("ü")).isEqualTo("607474ca475a9724d7360aba71a56d5d"); // hashed as UTF-8
    }
}
