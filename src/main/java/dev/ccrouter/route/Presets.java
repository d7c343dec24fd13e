package dev.ccrouter.route;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in provider presets, one data file each under {@code ccrouter/presets/}. A file is read the first time
 * its preset is used and strictly: an unknown key in a preset is a build error caught by the tests, not a quirk
 * silently ignored at run time.
 */
final class Presets {
    private static final String FOLDER = "/ccrouter/presets/";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    private final Map<String, Preset> loaded = new ConcurrentHashMap<>();

    /** The strict reader, for parts of a preset that are read in two steps. */
    static ObjectMapper strict() {
        return YAML;
    }

    /** The preset of that name. */
    Preset named(String name) {
        return loaded.computeIfAbsent(name, Presets::read);
    }

    /** Reads one preset file strictly: an unknown key or a misspelt value fails. */
    static Preset parse(InputStream in) throws IOException {
        return YAML.readValue(in, Preset.class);
    }

    private static Preset read(String name) {
        try (InputStream in = Presets.class.getResourceAsStream(FOLDER + name + ".yaml")) {
            if (in == null) {
                throw new IllegalArgumentException("no built-in preset named '" + name + "'");
            }
            return parse(in);
        } catch (IOException e) {
            throw new IllegalStateException("the built-in preset " + name + " cannot be read: " + e.getMessage(), e);
        }
    }
}
