package dev.ccrouter.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;

/** The embedded defaults ({@code src/main/resources/ccrouter/defaults.yaml}): every setting that has a default. */
final class DefaultSettings {
    static final String RESOURCE = "/ccrouter/defaults.yaml";

    private DefaultSettings() {
    }

    /** A fresh copy, free to change. */
    static ObjectNode tree() {
        try (InputStream in = DefaultSettings.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the embedded defaults " + RESOURCE + " are missing from the build");
            }
            return (ObjectNode) new ObjectMapper(new YAMLFactory()).readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("the embedded defaults " + RESOURCE + " cannot be read", e);
        }
    }
}
