package dev.ccrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ccrouter.testing.FakeUpstream;
import dev.ccrouter.testing.SdkStreams;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@code Dockerfile}, built and run with Debian's podman, as a user would run the image: base images made
 * locally by {@code deploy/podman/base-image.sh} (there is no Docker Hub here) and passed as the Dockerfile's build
 * arguments, the container on the host's network so that it reaches an in-process fake upstream on 127.0.0.1. It must
 * answer {@code /health} and its own {@code HEALTHCHECK}, serve one streamed message end to end, and stop on podman's
 * SIGTERM with its shutdown line. Runs after {@code package} (the Maven execution {@code packaged-jar}).
 *
 * <p>Repeat runs are quick: the base image is reused while its recipe (the script, the JDK, Maven) is unchanged, the
 * Debian root filesystem is cached in {@code ~/.cache/ccrouter}, the build stage reads this machine's Maven repository
 * through an overlay (whatever it adds is thrown away), and podman's layer cache skips the steps whose inputs are
 * unchanged.
 */
class ContainerImageIT {
    private static final Path BASE_IMAGE_SCRIPT = Path.of("deploy/podman/base-image.sh").toAbsolutePath();
    private static final String IMAGE = "localhost/ccrouter-it";
    private static final ObjectMapper JSON = new ObjectMapper();

    final FakeUpstream upstream = FakeUpstream.start();
    Podman podman;
    String container;

    @AfterEach
    void removeContainer() {
        try {
            if (container != null) {
                podman.run(Duration.ofSeconds(60), "rm", "--force", "--volumes", container);
            }
            if (podman != null) { // into the test's output file: what ran, and for how long
                System.out.println(podman.transcript());
            }
        } finally {
            upstream.close();
        }
    }

    @Test
    void theDockerfilesImageServesAStreamedMessagePassesItsHealthCheckAndStopsCleanly() throws Exception {
        podman = Podman.require();
        build(baseImage());

        int port = freePort();
        container = "ccrouter-it-" + ProcessHandle.current().pid();
        podman.check(Duration.ofSeconds(60), "run", "--detach", "--name", container, "--network", "host",
                "--env", "CCROUTER_HOST=127.0.0.1", "--env", "CCROUTER_PORT=" + port,
                "--env", "OPENROUTER_BASE_URL=" + upstream.baseUrl(), IMAGE);
        String gateway = "http://127.0.0.1:" + port;

        JsonNode health = awaitHealth(gateway);
        assertThat(health.path("status").asText()).isEqualTo("ok");
        assertThat(health.path("upstream").asText()).as("the upstream given by the environment")
                .isEqualTo(upstream.baseUrl());
        assertThat(health.path("pid").asLong()).as("the JVM is the container's first process, so podman stop signals it")
                .isEqualTo(1);
        podman.check(Duration.ofSeconds(30), "healthcheck", "run", container); // the Dockerfile's HEALTHCHECK, kept

        upstream.answer(FakeUpstream.text("Hello from the container"));
        AnthropicClient client = AnthropicOkHttpClient.builder().baseUrl(gateway).apiKey("sk-test-container")
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        Message message = SdkStreams.streamed(client, MessageCreateParams.builder().model("claude-sonnet-5")
                .maxTokens(512).addUserMessage("Say hello").build());

        assertThat(message.content()).hasSize(1);
        assertThat(message.content().getFirst().asText().text()).isEqualTo("Hello from the container");
        assertThat(message.model().asString()).isEqualTo("claude-sonnet-5");
        assertThat(message.usage().inputTokens()).isEqualTo(10);
        assertThat(message.usage().outputTokens()).isEqualTo(2);
        FakeUpstream.Recorded sent = upstream.lastRequest();
        assertThat(sent.path()).isEqualTo("/v1/chat/completions");
        assertThat(sent.headers()).containsEntry("authorization", "Bearer sk-test-container");
        assertThat(sent.body().path("model").asText()).isEqualTo("anthropic/claude-sonnet-4.6");
        assertThat(sent.body().path("stream").asBoolean()).isTrue();
        assertThat(sent.body().path("messages")).as("the prompt, with the cache breakpoint Anthropic models get")
                .isEqualTo(JSON.readTree("""
                        [{"role":"user","content":[{"type":"text","text":"Say hello","cache_control":{"type":"ephemeral"}}]}]
                        """));

        long stopping = System.nanoTime();
        podman.check(Duration.ofSeconds(30), "stop", "--time", "10", container);
        long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
        String exitCode = podman.check(Duration.ofSeconds(30), "inspect", "--format", "{{.State.ExitCode}}", container);
        assertThat(exitCode.strip()).as(() -> "the exit status of a SIGTERM stop (not 137, a kill)\n" + podman.transcript())
                .isIn("0", "143");
        assertThat(stopMillis).as("stopped within podman's 10 s grace, without a kill").isLessThan(10_000);
        assertThat(logs()).as("the gateway's shutdown line")
                .contains("ccrouter stopped in ", ": 0 of 0 requests in flight finished, 0 cut off");
    }

    /**
     * The base image for both stages, named after a hash of its recipe: made by the script when no image of that name
     * exists yet, reused otherwise.
     */
    private String baseImage() throws IOException {
        String javaHome = System.getProperty("java.home");
        String recipe = Files.readString(BASE_IMAGE_SCRIPT) + "\n" + javaHome + "\n"
                + Files.readString(Path.of(javaHome, "release")) + "\n" + mavenHome();
        String image = "localhost/ccrouter-it-base:" + sha256(recipe).substring(0, 16);
        if (podman.run(Duration.ofSeconds(30), "image", "exists", image).exitCode() != 0) {
            Podman.Run made = podman.exec(Duration.ofMinutes(10), List.of(BASE_IMAGE_SCRIPT.toString(), image),
                    Map.of("JAVA_HOME", javaHome));
            assertThat(made.exitCode()).as(podman::transcript).isZero();
        }
        return image;
    }

    /** The real Dockerfile with its two base images given as build arguments, tagged {@link #IMAGE}. */
    private void build(String baseImage) {
        String previous = imageId();
        Path repository = Path.of(System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        podman.check(Duration.ofMinutes(15), "build", "--format", "docker", "--network", "host", "--pull=never",
                "--build-arg", "BUILD_IMAGE=" + baseImage, "--build-arg", "RUNTIME_IMAGE=" + baseImage,
                "--volume", repository.toAbsolutePath() + ":/root/.m2/repository:O",
                "--file", "Dockerfile", "--tag", IMAGE, ".");
        String built = imageId();
        if (!previous.isEmpty() && !previous.equals(built)) { // the last run's image, now untagged: not kept around
            podman.run(Duration.ofSeconds(60), "rmi", previous);
        }
    }

    private String imageId() {
        Podman.Run inspect = podman.run(Duration.ofSeconds(30), "image", "inspect", "--format", "{{.Id}}", IMAGE);
        return inspect.exitCode() == 0 ? inspect.output().strip() : "";
    }

    /** Maven's installation folder, from the {@code mvn} on the PATH. */
    private static String mavenHome() throws IOException {
        for (String folder : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path mvn = Path.of(folder.isEmpty() ? "." : folder, "mvn");
            if (Files.isExecutable(mvn)) {
                return mvn.toRealPath().getParent().getParent().toString();
            }
        }
        throw new AssertionError("no mvn on the PATH to copy into the base image");
    }

    /** {@code GET /health}'s body once it answers 200; fails early, with the container's log, if the container ends. */
    private JsonNode awaitHealth(String gateway) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/health")).timeout(Duration.ofSeconds(5))
                .build();
        AtomicReference<String> body = new AtomicReference<>();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .failFast("the container stopped", () -> !running())
                    .until(() -> {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        body.set(response.body());
                        return response.statusCode() == 200;
                    });
            return JSON.readTree(body.get());
        } catch (ConditionTimeoutException | TerminalFailureException | IOException e) {
            throw new AssertionError("no healthy gateway at " + gateway + " (" + e.getMessage() + ")\n"
                    + logs() + "\n" + podman.transcript(), e);
        }
    }

    private boolean running() {
        return podman.run(Duration.ofSeconds(30), "inspect", "--format", "{{.State.Running}}", container)
                .output().strip().equals("true");
    }

    private String logs() {
        return podman.run(Duration.ofSeconds(30), "logs", container).output();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
