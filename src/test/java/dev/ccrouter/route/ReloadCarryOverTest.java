package dev.ccrouter.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/**
 * What a router learned while running (keys resting, targets cooling, fields refused) survives a reload for the
 * providers the new configuration keeps as they were, and is dropped for those it changed or removed.
 */
class ReloadCarryOverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final GatewayConfig DEFAULTS = new ConfigLoader(Map.of("HOME", "/tmp")).load(ConfigLoader.Flags.NONE);
    private static final String AT_ONE = "http://127.0.0.1:1/v1";

    private final SteppedClock clock = new SteppedClock();

    private Router router(String address, String... keys) {
        return router(Duration.ofSeconds(30), address, keys);
    }

    private Router router(Duration cooldown, String address, String... keys) {
        return new Router(DEFAULTS
                .withProviders(List.of(new ProviderSettings("pooled", "openai-compatible", URI.create(address),
                        List.of(keys), null, Map.of())))
                .withRoutes(new RouteSettings("pooled,model-p", null, null, null, 60_000, null, null,
                        Map.of("pooled,model-p", List.of("openrouter,backup/model")))
                        .withCooldown(cooldown)),
                ModelCatalog.NONE, clock);
    }

    private static Candidate primary(Router router) {
        return router.decide(JSON.createObjectNode().put("model", "claude-sonnet-5"), 10).first();
    }

    private static List<String> usable(Router router) {
        return router.cooldowns().usable(router.decide(JSON.createObjectNode().put("model", "claude-sonnet-5"), 10)
                .targets()).stream().map(Candidate::label).toList();
    }

    @Test
    void anUnchangedProviderKeepsItsRestingKeysCoolingTargetsAndRefusedFields() {
        Router before = router(AT_ONE, "k1", "k2");
        KeyPool pool = before.keys(primary(before).provider());
        assertThat(pool.next()).isEqualTo("k1");
        pool.rest("k1", Duration.ofHours(1));
        before.cooldowns().failed(primary(before));
        before.refusedFields().learn(primary(before), "top_k");

        Router after = router(AT_ONE, "k1", "k2");
        after.carryOver(before);

        KeyPool reloaded = after.keys(primary(after).provider());
        assertThat(List.of(reloaded.next(), reloaded.next())).containsExactly("k2", "k2");
        assertThat(usable(after)).containsExactly("openrouter,backup/model");
        ObjectNode body = JSON.createObjectNode().put("top_k", 5).put("model", "model-p");
        after.refusedFields().leaveOut(primary(after), body);
        assertThat(body.toString()).isEqualTo("{\"model\":\"model-p\"}");

        clock.advance(Duration.ofSeconds(30)); // the target's cooldown ends as it would have without the reload
        assertThat(usable(after)).containsExactly("pooled,model-p", "openrouter,backup/model");
        assertThat(reloaded.next()).isEqualTo("k2"); // k1's hour is not over
    }

    /** A target cools for the cooldown and nothing else: one made shorter by the reload ends those under way sooner. */
    @Test
    void aShorterCooldownShortensTheCarriedOnes() {
        Router before = router(Duration.ofHours(1), AT_ONE, "k1");
        before.cooldowns().failed(primary(before));

        Router after = router(Duration.ofSeconds(30), AT_ONE, "k1");
        after.carryOver(before);

        clock.advance(Duration.ofSeconds(29));
        assertThat(usable(after)).containsExactly("openrouter,backup/model");
        clock.advance(Duration.ofSeconds(1));
        assertThat(usable(after)).containsExactly("pooled,model-p", "openrouter,backup/model");
    }

    @Test
    void aKeyNewToThePoolStartsReadyAndARemovedOneIsForgotten() {
        Router before = router(AT_ONE, "k1", "k2");
        KeyPool pool = before.keys(primary(before).provider());
        pool.rest("k1", Duration.ofHours(1));
        pool.rest("k2", Duration.ofHours(1));

        Router after = router(AT_ONE, "k2", "k3");
        after.carryOver(before);

        KeyPool reloaded = after.keys(primary(after).provider());
        assertThat(List.of(reloaded.next(), reloaded.next())).containsExactly("k3", "k3");
    }

    @Test
    void aProviderAtAnotherAddressStartsAfresh() {
        Router before = router(AT_ONE, "k1", "k2");
        before.keys(primary(before).provider()).rest("k1", Duration.ofHours(1));
        before.cooldowns().failed(primary(before));
        before.refusedFields().learn(primary(before), "top_k");

        Router after = router("http://127.0.0.1:2/v1", "k1", "k2");
        after.carryOver(before);

        assertThat(after.keys(primary(after).provider()).next()).isEqualTo("k1");
        assertThat(usable(after)).containsExactly("pooled,model-p", "openrouter,backup/model");
        ObjectNode body = JSON.createObjectNode().put("top_k", 5);
        after.refusedFields().leaveOut(primary(after), body);
        assertThat(body.toString()).isEqualTo("{\"top_k\":5}");
    }
}
