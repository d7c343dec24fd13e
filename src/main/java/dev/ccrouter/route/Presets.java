package dev.ccrouter.route;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in provider presets, one data file each under {@code ccrouter/presets/}. A file is read the first time
 * its preset is used and strictly ({@link PresetTree}): an unknown key in a preset is a build error caught by the
 * tests, not a quirk silently ignored at run time.
 */
final class Presets {
    static final String FOLDER = "/ccrouter/presets/";
    private final Map<String, Preset> loaded = new ConcurrentHashMap<>();

    /** The preset of that name. */
    Preset named(String name) {
        return loaded.computeIfAbsent(name, Presets::read);
    }

    /** The text of a built-in preset's file. */
    static String file(String name) {
        try (InputStream in = Presets.class.getResourceAsStream(FOLDER + name + ".yaml")) {
            if (in == null) {
                throw new IllegalArgumentException("no built-in preset named '" + name + "'");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("the built-in preset " + name + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static Preset read(String name) {
        return PresetTree.preset(file(name), name + ".yaml");
    }
}
