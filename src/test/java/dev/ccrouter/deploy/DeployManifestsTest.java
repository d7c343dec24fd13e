package dev.ccrouter.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.ccrouter.config.AuthSettings.ClientKey;
import dev.ccrouter.config.ConfigLoader;
import dev.ccrouter.config.GatewayConfig;
import dev.ccrouter.config.LedgerSettings;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests and the scale-out compose file hang together: the probes ask {@code /health} on the port
 * the configuration listens on, and the settings they carry pass the gateway's own validation with the Secret's
 * values.
 */
class DeployManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Path K8S = Path.of("deploy/k8s");

    @TempDir
    Path home;

    @Test
    void theProbesAskHealthOnThePortTheConfigMapListensOn() throws IOException {
        GatewayConfig config = load(configMapYaml(), secretValues());
        JsonNode container = deployment().path("spec").path("template").path("spec").path("containers").get(0);

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(8787);
        assertThat(container.path("ports").get(0).path("containerPort").asInt()).isEqualTo(config.port());
        for (String probe : List.of("readinessProbe", "livenessProbe")) {
            JsonNode get = container.path(probe).path("httpGet");
            assertThat(get.path("path").asText()).as(probe).isEqualTo("/health");
            assertThat(get.path("port").asInt()).as(probe).isEqualTo(config.port());
        }
        assertThat(read(K8S.resolve("service.yaml")).path("spec").path("ports").get(0).path("targetPort").asInt())
                .isEqualTo(config.port());
    }

    @Test
    void theConfigMapsSettingsPassValidationWithTheSecretsValues() throws IOException {
        Map<String, String> secret = secretValues();
        GatewayConfig config = load(configMapYaml(), secret);

        assertThat(config.publicUrl()).isEqualTo("https://ccrouter.example.com");
        assertThat(config.edge().trustedProxies()).containsExactly("10.0.0.0/8");
        assertThat(config.auth().keys()).extracting(ClientKey::name, ClientKey::key, ClientKey::budgetUsdPerDay)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("team-a", secret.get("CCROUTER_KEY_TEAM_A"),
                                new BigDecimal("50")),
                        org.assertj.core.groups.Tuple.tuple("ci", secret.get("CCROUTER_KEY_CI"), new BigDecimal("10")));
        assertThat(config.auth().adminKeys()).containsExactly(secret.get("CCROUTER_ADMIN_KEY"));
        LedgerSettings ledger = loader(configMapYaml(), secret).loadLedger(ConfigLoader.Flags.NONE);
        assertThat(ledger.isPostgres()).isTrue();
        assertThat(ledger.url()).isEqualTo(secret.get("CCROUTER_LEDGER_URL"));
    }

    @Test
    void theDeploymentMountsTheConfigMapWhereCcrouterConfigPointsAndReadsTheSecret() throws IOException {
        JsonNode pod = deployment().path("spec").path("template").path("spec");
        JsonNode container = pod.path("containers").get(0);
        Map<String, String> env = new HashMap<>();
        container.path("env").forEach(variable -> env.put(variable.path("name").asText(),
                variable.path("value").asText()));
        String configMapName = read(K8S.resolve("configmap.yaml")).path("metadata").path("name").asText();
        String mountPath = elements(pod.path("volumes"))
                .filter(volume -> volume.path("configMap").path("name").asText().equals(configMapName))
                .map(volume -> volume.path("name").asText())
                .flatMap(volume -> elements(container.path("volumeMounts"))
                        .filter(mount -> mount.path("name").asText().equals(volume)))
                .map(mount -> mount.path("mountPath").asText())
                .findFirst().orElseThrow();

        assertThat(env.get("CCROUTER_CONFIG")).isEqualTo(mountPath + "/ccrouter.yaml");
        assertThat(container.path("envFrom").get(0).path("secretRef").path("name").asText())
                .isEqualTo(read(K8S.resolve("secret.yaml")).path("metadata").path("name").asText());
        assertThat(pod.path("terminationGracePeriodSeconds").asInt())
                .isGreaterThan((int) load(configMapYaml(), secretValues()).shutdownGrace().toSeconds());
    }

    @Test
    void theComposeFileRunsTwoGatewaysOnOnePostgresWithSettingsThatValidate() throws IOException {
        // SnakeYAML itself, which resolves the merge key (<<: *gateway) that Jackson's parser leaves as it is
        JsonNode compose = YAML.valueToTree(new Yaml().load(Files.readString(Path.of("deploy/compose-scale.yml"))));
        JsonNode services = compose.path("services");
        assertThat(services.has("postgres")).isTrue();
        GatewayConfig config = load(Files.readString(Path.of("deploy/compose-scale.ccrouter.yaml")), Map.of(
                "CCROUTER_KEY_TEAM_A", "ccr-team-a", "OPENROUTER_API_KEY", "sk-or-v1-test"));
        for (String gateway : List.of("gateway-1", "gateway-2")) {
            JsonNode service = services.path(gateway);
            assertThat(service.path("environment").path("CCROUTER_LEDGER_URL").asText()).as(gateway)
                    .startsWith("jdbc:postgresql://postgres:5432/ccrouter?");
            assertThat(service.path("healthcheck").path("test").toString()).as(gateway)
                    .contains("http://127.0.0.1:" + config.port() + "/health");
            assertThat(service.path("ports").get(0).asText()).as(gateway).endsWith(":" + config.port());
        }
        assertThat(config.auth().keys()).extracting(ClientKey::name).containsExactly("team-a");
    }

    private String configMapYaml() throws IOException {
        return read(K8S.resolve("configmap.yaml")).path("data").path("ccrouter.yaml").asText();
    }

    private static JsonNode deployment() throws IOException {
        return read(K8S.resolve("deployment.yaml"));
    }

    private static Map<String, String> secretValues() throws IOException {
        Map<String, String> values = new HashMap<>();
        read(K8S.resolve("secret.yaml")).path("stringData").properties()
                .forEach(entry -> values.put(entry.getKey(), entry.getValue().asText()));
        return values;
    }

    private GatewayConfig load(String yaml, Map<String, String> secrets) throws IOException {
        return loader(yaml, secrets).load(ConfigLoader.Flags.NONE);
    }

    /** The gateway's loader, as the container runs it: the file named by CCROUTER_CONFIG, the Secret as environment. */
    private ConfigLoader loader(String yaml, Map<String, String> secrets) throws IOException {
        Path file = Files.writeString(home.resolve("ccrouter.yaml"), yaml);
        Map<String, String> env = new HashMap<>(secrets);
        env.put("CCROUTER_CONFIG", file.toString());
        env.put("HOME", home.toString());
        return new ConfigLoader(env, warning -> { });
    }

    private static JsonNode read(Path file) throws IOException {
        return YAML.readTree(file.toFile());
    }

    private static java.util.stream.Stream<JsonNode> elements(JsonNode array) {
        Iterator<JsonNode> items = array.elements();
        return StreamSupport.stream(((Iterable<JsonNode>) () -> items).spliterator(), false);
    }
}
