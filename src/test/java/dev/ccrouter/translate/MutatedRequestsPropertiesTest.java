package dev.ccrouter.translate;

import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The body's check ({@link MessagesRequestShape}) covers everything the translation reads: the translation reads a body
 * that passed without checking it again, so a value the check let through in a shape the translation does not expect
 * would be a 500, not the client's 400. Each try takes one of the golden fixtures' Anthropic bodies (Claude Code's
 * first turn, images and documents, thinking, tools, cache markers…), puts a value of another type at one place in it
 * or takes the member away, and translates it: the answer is a body or an {@link InvalidRequestException}, never
 * anything else. {@code count_tokens}' check holds the same.
 */
class MutatedRequestsPropertiesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final List<ObjectNode> BODIES = fixtures();
    static final List<JsonNode> STRANGERS = Stream.of("null", "true", "0", "-1", "1.5", "\"\"", "\"x\"", "\"text\"",
            "[]", "[1]", "[{}]", "{}", "{\"type\":\"text\"}", "{\"type\":\"image\"}", "{\"type\":\"x\"}")
            .map(MutatedRequestsPropertiesTest::parse).toList();
    static final List<UpstreamTarget> TARGETS = List.of(
            new UpstreamTarget("claude", "deepseek/deepseek-chat", ModelCapabilities.PLAIN),
            new UpstreamTarget("claude", "anthropic/claude-sonnet-4.6", new ModelCapabilities(true, true, true, 8_192,
                    200_000, 64, java.util.Set.of(), 4, false, false, ToolCallIdFormat.ANY, false, false, true)));

    /** One fixture body with one place changed. */
    record Mutated(ObjectNode body, String where) {
        @Override
        public String toString() {
            return where + " in " + body;
        }
    }

    @Property
    void aChangedBodyIsTranslatedOrRefusedInTheClientsWords(@ForAll("mutated") Mutated mutated) {
        for (UpstreamTarget target : TARGETS) {
            assertThatCode(() -> {
                try {
                    new MessagesRequestTranslator(JSON).translate(mutated.body().deepCopy(), target, "session-1");
                } catch (InvalidRequestException refused) {
                    // the client's 400
                }
            }).as(mutated.where()).doesNotThrowAnyException();
        }
        assertThatCode(() -> {
            try {
                MessagesRequestShape.checkCountTokens(mutated.body());
            } catch (InvalidRequestException refused) {
                // the client's 400
            }
        }).as(mutated.where()).doesNotThrowAnyException();
    }

    @Provide
    Arbitrary<Mutated> mutated() {
        return Combinators.combine(Arbitraries.integers().between(0, BODIES.size() - 1),
                        Arbitraries.integers().between(0, Integer.MAX_VALUE),
                        Arbitraries.integers().between(-1, STRANGERS.size() - 1))
                .as(MutatedRequestsPropertiesTest::mutate);
    }

    /** @param stranger the value put there, or -1 to take the member away (an array's item: put {@code null}) */
    private static Mutated mutate(int bodyIndex, int placeIndex, int stranger) {
        ObjectNode body = BODIES.get(bodyIndex).deepCopy();
        List<Place> places = new ArrayList<>();
        collect(body, "", places);
        Place place = places.get(placeIndex % places.size());
        JsonNode value = stranger < 0 ? null : STRANGERS.get(stranger).deepCopy();
        if (place.parent() instanceof ObjectNode object) {
            if (value == null) {
                object.remove(place.name());
            } else {
                object.set(place.name(), value);
            }
        } else {
            ((ArrayNode) place.parent()).set(place.index(), value == null ? JSON.nullNode() : value);
        }
        return new Mutated(body, place.pointer() + (value == null ? " removed" : " = " + value));
    }

    /** A member of an object (by name) or an item of an array (by index). */
    private record Place(JsonNode parent, String name, int index, String pointer) {
    }

    private static void collect(JsonNode node, String pointer, List<Place> places) {
        if (node.isObject()) {
            node.properties().forEach(member -> {
                String at = pointer + "/" + member.getKey();
                places.add(new Place(node, member.getKey(), -1, at));
                collect(member.getValue(), at, places);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String at = pointer + "/" + i;
                places.add(new Place(node, null, i, at));
                collect(node.get(i), at, places);
            }
        }
    }

    private static List<ObjectNode> fixtures() {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/fixtures/request"))) {
            return files.filter(file -> file.toString().endsWith(".anthropic.json")).sorted()
                    .map(file -> (ObjectNode) parse(read(file))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
