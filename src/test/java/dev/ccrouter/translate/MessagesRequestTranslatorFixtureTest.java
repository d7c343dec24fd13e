package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessagesRequestTranslatorFixtureTest {
    private final MessagesRequestTranslator translator = new MessagesRequestTranslator(RequestFixtures.JSON);

    static Stream<RequestFixtures> fixtures() {
        return RequestFixtures.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void translatesToTheExpectedUpstreamBody(RequestFixtures fixture) {
        ChatRequest chat = translator.translate(fixture.request(), fixture.target(), fixture.sessionId());

        assertThat(RequestFixtures.canonical(chat.body())).isEqualTo(RequestFixtures.canonical(fixture.expected()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void translationIsByteStable(RequestFixtures fixture) throws JsonProcessingException {
        // Two independently parsed copies of the body, so no state can leak from the first run into the second.
        RequestFixtures again = RequestFixtures.load(fixture.name());

        byte[] first = RequestFixtures.JSON.writeValueAsBytes(
                translator.translate(fixture.request(), fixture.target(), fixture.sessionId()).body());
        byte[] second = RequestFixtures.JSON.writeValueAsBytes(
                translator.translate(again.request(), again.target(), again.sessionId()).body());

        assertThat(second).isEqualTo(first);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void leavesTheClientBodyUntouched(RequestFixtures fixture) {
        String before = RequestFixtures.canonical(fixture.request());

        // Edit the upstream body where it copies client containers: markers, schemas, message parts.
        ObjectNode body = translator.translate(fixture.request(), fixture.target(), fixture.sessionId()).body();
        body.findParents("cache_control").forEach(parent -> ((ObjectNode) parent).remove("cache_control"));
        body.findParents("type").forEach(parent -> ((ObjectNode) parent).put("type", "changed"));

        assertThat(RequestFixtures.canonical(fixture.request())).isEqualTo(before);
    }

    @Test
    void discoversEveryCase() {
        assertThat(fixtures().map(RequestFixtures::name)).containsExactly(
                "cache-markers",
                "cc-first-request",
                "cc-first-request-plain",
                "images-and-documents",
                "parallel-tools",
                "sampling-and-tool-choice",
                "thinking-replay",
                "tool-pairing-repair",
                "tool-round-trip");
    }

    @Test
    void upstreamKeysComeInOneFixedOrder() {
        RequestFixtures fixture = RequestFixtures.load("sampling-and-tool-choice");

        ChatRequest chat = translator.translate(fixture.request(), fixture.target(), "session-1");

        assertThat(chat.body().properties()).extracting(Map.Entry::getKey).containsExactly(
                "model", "messages", "tools", "tool_choice", "parallel_tool_calls", "max_tokens", "stop",
                "temperature", "top_p", "top_k", "reasoning", "user", "session_id");
    }
}
