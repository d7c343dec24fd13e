package dev.ccrouter.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Golden request fixtures in {@code src/test/resources/fixtures/request/}: for a case {@code X},
 * {@code X.anthropic.json} (the client body), {@code X.target.json} (where it goes) and {@code X.openai.json}
 * (the expected upstream body).
 *
 * <p>{@code X.target.json}: {@code upstreamModel}; {@code caching} (true: {@link ModelCapabilities#CACHING}, false:
 * {@link ModelCapabilities#PLAIN}); optional {@code cacheTtl}, {@code maxOutputTokens}, {@code toolNameLimit},
 * {@code schemaKeywordsToStrip}, {@code sessionId} (the {@code X-Claude-Code-Session-Id} header) and {@code request}
 * (another case whose {@code .anthropic.json} to use, to send one body to several targets).
 */
record RequestFixtures(String name, JsonNode request, UpstreamTarget target, String sessionId, JsonNode expected) {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Sorted keys and indentation: a stable text form whose diff is readable when a fixture fails. */
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(JsonNodeFeature.WRITE_PROPERTIES_SORTED, true)
            .enable(SerializationFeature.INDENT_OUTPUT);

    static Path directory() {
        try {
            return Path.of(Objects.requireNonNull(RequestFixtures.class.getResource("/fixtures/request")).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<RequestFixtures> all() {
        try (Stream<Path> files = Files.list(directory())) {
            List<String> names = files.map(path -> path.getFileName().toString())
                    .filter(file -> file.endsWith(".openai.json"))
                    .map(file -> file.substring(0, file.length() - ".openai.json".length()))
                    .sorted()
                    .toList();
            return names.stream().map(RequestFixtures::load);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RequestFixtures load(String name) {
        JsonNode target = read(name + ".target.json");
        String requestCase = target.path("request").asText(name);
        return new RequestFixtures(name, read(requestCase + ".anthropic.json"), target(target),
                target.path("sessionId").textValue(), read(name + ".openai.json"));
    }

    static JsonNode read(String file) {
        try {
            return JSON.readTree(directory().resolve(file).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static UpstreamTarget target(JsonNode spec) {
        boolean caching = spec.path("caching").asBoolean();
        Set<String> strip = new HashSet<>();
        spec.path("schemaKeywordsToStrip").forEach(keyword -> strip.add(keyword.asText()));
        ModelCapabilities caps = new ModelCapabilities(
                caching,
                spec.path("cacheTtl").asBoolean(caching),
                spec.path("autoCacheBreakpoints").asBoolean(false),
                spec.hasNonNull("maxOutputTokens") ? spec.get("maxOutputTokens").intValue() : null,
                spec.hasNonNull("contextWindow") ? spec.get("contextWindow").intValue() : null,
                spec.path("toolNameLimit").asInt(ModelCapabilities.OPENAI_TOOL_NAME_LIMIT),
                Set.copyOf(strip),
                spec.path("stopSequenceLimit").asInt(ModelCapabilities.OPENAI_STOP_LIMIT));
        String model = spec.path("upstreamModel").asText();
        return new UpstreamTarget(model, model, caps);
    }

    static String canonical(JsonNode node) {
        try {
            return CANONICAL.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
