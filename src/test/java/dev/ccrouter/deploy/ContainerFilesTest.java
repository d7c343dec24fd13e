package dev.ccrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile and the compose file as Docker reads them: the compose file interpolated the way Compose does
 * ({@code ${VAR:-default}}, {@code $$} for a literal {@code $}), the Dockerfile's instructions with their line
 * continuations joined.
 */
class ContainerFilesTest {
    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("\\$\\$|\\$\\{(\\w+)(?::-([^}]*))?}");

    @Test
    void composePublishesProbesAndListensOnTheConfiguredPortOnly() throws Exception {
        JsonNode service = composeService(Map.of("CCROUTER_PORT", "9123"));

        assertThat(texts(service.path("ports"))).containsExactly("127.0.0.1:9123:9123");
        assertThat(texts(service.path("environment"))).contains("CCROUTER_PORT=9123");
        assertThat(service.toString()).as("no port of its own anywhere").doesNotContain("8787");

        List<String> probe = texts(service.path("healthcheck").path("test"));
        assertThat(probe.getFirst()).isEqualTo("CMD-SHELL");
        assertThat(containerShell(probe.get(1), Map.of("CCROUTER_PORT", "9123")))
                .as("the URL curl is given in a container listening on 9123")
                .isEqualTo("curl -fsS http://127.0.0.1:9123/health");
    }

    @Test
    void composeDefaultsToPort8787() throws Exception {
        JsonNode service = composeService(Map.of());

        assertThat(texts(service.path("ports"))).containsExactly("127.0.0.1:8787:8787");
        assertThat(texts(service.path("environment"))).contains("CCROUTER_PORT=8787");
    }

    @Test
    void composeMountsTheConfigFileReadOnlyWhereCcrouterConfigPointsAndItsDefaultLoads() throws Exception {
        JsonNode service = composeService(Map.of());
        JsonNode mount = configMount(service);

        assertThat(texts(service.path("environment"))).contains("CCROUTER_CONFIG=" + mount.path("target").asText());
        assertThat(mount.path("read_only").asBoolean()).isTrue();
        assertThat(mount.path("bind").path("create_host_path").asBoolean(true))
                .as("a missing file fails instead of becoming a directory").isFalse();
        Path defaultFile = Path.of(mount.path("source").asText());
        assertThat(defaultFile).isEqualTo(Path.of("./deploy/ccrouter.yaml")).isRegularFile();
        GatewayConfig config = new ConfigLoader(Map.of("CCROUTER_CONFIG", defaultFile.toString()))
                .load(ConfigLoader.Flags.NONE);
        assertThat(config.upstreamBaseUrl().toString()).isEqualTo("https://openrouter.ai/api/v1");

        JsonNode own = configMount(composeService(Map.of("CCROUTER_CONFIG_FILE", "/srv/ccrouter/mine.yaml")));
        assertThat(own.path("source").asText()).isEqualTo("/srv/ccrouter/mine.yaml");
    }

    @Test
    void dockerfileTakesItsBaseImagesAsBuildArgumentsWithTheSameDefaults() throws IOException {
        List<String> instructions = dockerfileInstructions();
        int firstFrom = indexOfFirst(instructions, "FROM ");

        assertThat(instructions.subList(0, firstFrom)).containsExactly(
                "ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-25",
                "ARG RUNTIME_IMAGE=eclipse-temurin:25-jre-noble");
        assertThat(instructions.stream().filter(line -> line.startsWith("FROM ")))
                .containsExactly("FROM ${BUILD_IMAGE} AS build", "FROM ${RUNTIME_IMAGE}");
    }

    @Test
    void dockerfileHealthCheckProbesThePortTheGatewayWasGiven() throws IOException {
        List<String> instructions = dockerfileInstructions();
        String healthCheck = instructions.get(indexOfFirst(instructions, "HEALTHCHECK "));

        assertThat(healthCheck).contains("CMD curl -fsS \"http://127.0.0.1:${CCROUTER_PORT}/health\"")
                .doesNotContain("8787");
        assertThat(instructions).anyMatch(line -> line.startsWith("ENV ") && line.contains("CCROUTER_PORT=8787"));
    }

    private static JsonNode composeService(Map<String, String> env) throws IOException {
        String interpolated = interpolate(Files.readString(Path.of("docker-compose.yml")), env);
        return new ObjectMapper(new YAMLFactory()).readTree(interpolated).path("services").path("ccrouter");
    }

    /** Compose's interpolation of the file's text; comments included, as Compose too reads them as YAML comments. */
    private static String interpolate(String text, Map<String, String> env) {
        Matcher matcher = COMPOSE_VARIABLE.matcher(text);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            String value = matcher.group().equals("$$") ? "$"
                    : env.getOrDefault(matcher.group(1), matcher.group(2) == null ? "" : matcher.group(2));
            matcher.appendReplacement(result, Matcher.quoteReplacement(value));
        }
        return matcher.appendTail(result).toString();
    }

    private static JsonNode configMount(JsonNode service) {
        return StreamSupport.stream(service.path("volumes").spliterator(), false)
                .filter(volume -> volume.path("target").asText().equals("/etc/ccrouter/ccrouter.yaml"))
                .findFirst().orElseThrow(() -> new AssertionError("no mount of the config file: " + service));
    }

    /** Runs a health-check command in /bin/sh with {@code curl} replaced by a function that prints its call. */
    private static String containerShell(String command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", "-c", "curl() { echo curl \"$@\"; }; " + command)
                .redirectErrorStream(true);
        builder.environment().putAll(env);
        Process shell = builder.start();
        String output = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(shell.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    /** The Dockerfile's instructions, one a line: comments and blank lines dropped, continuations joined. */
    private static List<String> dockerfileInstructions() throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("Dockerfile"))) {
            String stripped = line.strip();
            if (stripped.startsWith("#") || stripped.isEmpty()) {
                continue;
            }
            if (stripped.endsWith("\\")) {
                current.append(stripped, 0, stripped.length() - 1).append(' ');
            } else {
                instructions.add(current.append(stripped).toString().replaceAll("\\s+", " "));
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static int indexOfFirst(List<String> instructions, String prefix) {
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no " + prefix.strip() + " in the Dockerfile");
    }

    private static List<String> texts(JsonNode list) {
        return StreamSupport.stream(list.spliterator(), false).map(JsonNode::asText).toList();
    }
}
