package dev.ccrouter.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The embedded defaults ({@code src/main/resources/ccrouter/defaults.yaml}): every setting that has a default. */
final class DefaultSettings {
    static final String RESOURCE = "/ccrouter/defaults.yaml";

    private DefaultSettings() {
    }

    /** A fresh copy, free to change; read by {@link DefaultsReader}, not the YAML engine, to keep it off the start. */
    static ObjectNode tree() {
        try (InputStream in = DefaultSettings.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the embedded defaults " + RESOURCE + " are missing from the build");
            }
            return DefaultsReader.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), RESOURCE);
        } catch (IOException e) {
            throw new IllegalStateException("the embedded defaults " + RESOURCE + " cannot be read", e);
        }
    }
}
