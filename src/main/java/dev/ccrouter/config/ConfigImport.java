package dev.ccrouter.config;

import java.nio.file.Path;
import java.util.function.Consumer;

/** Configurations from other tools, as ccrouter YAML. */
public final class ConfigImport {
    private ConfigImport() {
    }

    /**
     * claude-code-router's {@code config.json} as the equivalent ccrouter YAML; {@code $VAR} references are kept (as
     * {@code ${VAR}}), not resolved.
     *
     * @param warnings told about transformers and settings ccrouter does without
     */
    public static String fromClaudeCodeRouter(Path file, Consumer<String> warnings) {
        return CcrConfig.toYaml(file, warnings);
    }
}
