package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DefaultsReaderTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void theEmbeddedDefaultsReadAsTheYamlEngineReadsThem() throws IOException {
        String defaults = resource();

        JsonNode read = DefaultsReader.read(defaults, "defaults.yaml");

        assertThat(read).isEqualTo(YAML.readTree(defaults));
        assertThat(read.path("server").path("port").isInt()).isTrue();
        assertThat(read.path("server").path("host").asText()).isEqualTo("127.0.0.1");
        assertThat(read.path("upstream").path("base_url").asText()).isEqualTo("https://openrouter.ai/api/v1");
        assertThat(read.path("data_dir").asText()).isEqualTo("~/.ccrouter");
        assertThat(read.path("ledger").path("enabled").isBoolean()).isTrue();
    }

    @Test
    void nestedKeysCommentsAndEmptyValuesReadAsYamlHasThem() throws IOException {
        String yaml = """
                # a comment line
                a:                      # a map follows
                  b: 1                  # a number
                  c:
                    d: "" # empty text
                  e: x#not-a-comment
                f:
                g: -12
                h: 4000000000
                i: false
                """;

        assertThat(DefaultsReader.read(yaml, "test")).isEqualTo(YAML.readTree(yaml));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a:\n  - item\n", "a: [1]\n", "a: 1.5\n", "a: yes\n", "a: null\n", "a: ~\n", "a: 0x1F\n",
            "a: 'quoted'\n", "a: &anchor x\n", "a: |\n  block\n", "a:\n  b: 1\n c: 2\n", "a: 1\na: 2\n", "a 1\n",
            "a: 007\n", "a:\n\tb: 1\n"})
    void refusesYamlBeyondWhatItTakesNamingTheLine(String yaml) {
        assertThatThrownBy(() -> DefaultsReader.read(yaml, "defaults.yaml"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the embedded defaults defaults.yaml use YAML beyond what their reader takes (line ");
    }

    private static String resource() throws IOException {
        try (InputStream in = DefaultsReaderTest.class.getResourceAsStream(DefaultSettings.RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
