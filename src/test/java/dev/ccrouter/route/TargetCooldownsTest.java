package dev.ccrouter.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.ProviderSettings;
import dev.ccrouter.config.RouteSettings;
import dev.ccrouter.route.RouteDecision.Candidate;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetCooldownsTest {
    private final SteppedClock clock = new SteppedClock();
    private final TargetCooldowns cooldowns = new TargetCooldowns(Duration.ofSeconds(30), clock);
    private final List<Candidate> targets = targets();

    private static List<Candidate> targets() {
        GatewayConfig config = new ConfigLoader(Map.of("HOME", "/tmp")).load(ConfigLoader.Flags.NONE)
                .withProviders(List.of(
                        new ProviderSettings("a", null, URI.create("http://127.0.0.1:1/v1"), List.of(), null, Map.of()),
                        new ProviderSettings("b", null, URI.create("http://127.0.0.1:2/v1"), List.of(), null, Map.of())))
                .withRoutes(new RouteSettings("a,m", null, null, null, 60_000, null, null,
                        Map.of("a,m", List.of("b,m", "openrouter,x/m"))));
        return new Router(config).decide(new ObjectMapper().createObjectNode().put("model", "claude-sonnet-5"), 10)
                .targets();
    }

    private List<String> usable() {
        return cooldowns.usable(targets).stream().map(Candidate::label).toList();
    }

    @Test
    void everyTargetIsUsableUntilOneFails() {
        assertThat(usable()).containsExactly("a,m", "b,m", "openrouter,x/m");
    }

    @Test
    void aFailedTargetIsSkippedForTheCooldownOnly() {
        cooldowns.failed(targets.get(0));

        assertThat(usable()).containsExactly("b,m", "openrouter,x/m");
        clock.advance(Duration.ofSeconds(29));
        assertThat(usable()).containsExactly("b,m", "openrouter,x/m");
        clock.advance(Duration.ofSeconds(1));
        assertThat(usable()).containsExactly("a,m", "b,m", "openrouter,x/m");
    }

    @Test
    void aTargetThatAnswersIsTrustedAgainAtOnce() {
        cooldowns.failed(targets.get(1));
        cooldowns.answered(targets.get(1));

        assertThat(usable()).containsExactly("a,m", "b,m", "openrouter,x/m");
    }

    @Test
    void aForwardedKeysRateLimitCoolsTheTargetForThatKeyAloneForTheCooldown() {
        cooldowns.rateLimited(targets.get(0), "sk-spent");

        assertThat(usableFor("sk-spent")).containsExactly("b,m", "openrouter,x/m");
        assertThat(usableFor("sk-other")).containsExactly("a,m", "b,m", "openrouter,x/m");
        assertThat(usable()).containsExactly("a,m", "b,m", "openrouter,x/m");
        clock.advance(Duration.ofSeconds(30));
        assertThat(usableFor("sk-spent")).containsExactly("a,m", "b,m", "openrouter,x/m");
    }

    @Test
    void aTargetThatAnswersAForwardedKeyIsTrustedAgainForIt() {
        cooldowns.rateLimited(targets.get(0), "sk-spent");
        cooldowns.answered(targets.get(0), "sk-spent");

        assertThat(usableFor("sk-spent")).containsExactly("a,m", "b,m", "openrouter,x/m");
    }

    private List<String> usableFor(String callerKey) {
        return cooldowns.usable(targets, callerKey).stream().map(Candidate::label).toList();
    }

    @Test
    void whenEveryTargetIsCoolingTheFirstAloneIsTried() {
        targets.forEach(cooldowns::failed);

        assertThat(usable()).containsExactly("a,m");
    }
}
