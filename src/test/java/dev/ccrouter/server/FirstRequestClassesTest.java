package dev.ccrouter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The list of classes the start initialises for the first request ({@link FirstRequestClasses}) stays true to the build. */
class FirstRequestClassesTest {
    @Test
    void everyListedClassIsInTheBuildOnceAndCanBeNamed() throws Exception {
        List<String> names = FirstRequestClasses.names();

        assertThat(names).hasSizeGreaterThan(200).doesNotHaveDuplicates();
        for (String name : names) {
            Class<?> type = Class.forName(name, false, FirstRequestClasses.class.getClassLoader());
            assertThat(type.isHidden()).as(name).isFalse();
        }
    }

    @Test
    void theGatewaysOwnRequestPathIsListed() {
        assertThat(FirstRequestClasses.names()).contains("dev.ccrouter.translate.ChatStreamTranslator",
                "dev.ccrouter.upstream.Http1Connection", "dev.ccrouter.server.ClientStream",
                "dev.ccrouter.billing.UsageAccounting", "dev.ccrouter.ledger.LedgerEntry");
    }

    @Test
    void initialisingThemInitialisesEveryOne() {
        assertThat(FirstRequestClasses.initialise()).isEqualTo(FirstRequestClasses.names().size());
    }
}
