package dev.ccrouter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigPathTest {
    @Test
    void pathsWithTheSameSegmentsAreOneKey() {
        ConfigPath parsed = ConfigPath.parse("providers[1].api_keys[0]");
        ConfigPath built = ConfigPath.of("providers").index(1).key("api_keys").index(0);

        assertThat(parsed).isEqualTo(built);
        assertThat(parsed.hashCode()).isEqualTo(built.hashCode()).isEqualTo(
                List.of("providers", "[1]", "api_keys", "[0]").hashCode());
        Map<ConfigPath, String> values = new HashMap<>();
        values.put(parsed, "sk-first");
        values.put(built, "sk-second");
        assertThat(values).containsExactly(Map.entry(built, "sk-second"));
    }

    @Test
    void pathsWithOtherSegmentsDiffer() {
        assertThat(ConfigPath.parse("server.port")).isNotEqualTo(ConfigPath.parse("server.host"))
                .isNotEqualTo(ConfigPath.parse("server")).isNotEqualTo("server.port");
        assertThat(ConfigPath.parse("server.port").parent()).isEqualTo(ConfigPath.of("server"));
    }
}
