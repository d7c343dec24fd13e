package dev.ccrouter.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where each value came from, so that a message names what the user must change: the environment variable
 * ({@code CCROUTER_PORT}), the flag ({@code --port}), or the setting in its file ({@code server.port in
 * /x/ccrouter.yaml}).
 *
 * @param file      the configuration file, or null
 * @param fileTree  what the file holds, or null
 * @param overrides the paths set by environment variables and flags, to the variable's or flag's name
 */
record Provenance(Path file, JsonNode fileTree, Map<ConfigPath, String> overrides) {

    /**
     * How to name the value at this path in a message; a key written as a setting's name, or as a model's or a
     * target's, is shown masked ({@link Secrets#maskKeys}).
     */
    String where(ConfigPath path) {
        String override = override(path);
        if (override != null) {
            return override;
        }
        String shown = Secrets.maskKeys(path.toString());
        return file != null && inFile(path) ? shown + " in " + file : shown;
    }

    /**
     * What chose the value at this path, named as {@link #where} names it; null when no variable, flag or file did
     * (a {@code null} in the file keeps the default too): the embedded defaults chose it.
     */
    String chosenBy(ConfigPath path) {
        String override = override(path);
        if (override != null) {
            return override;
        }
        JsonNode written = fileTree == null ? null : path.find(fileTree);
        return written == null || written.isNull() ? null : where(path);
    }

    /** The variable or flag that set this path, or null. */
    private String override(ConfigPath path) {
        for (ConfigPath overridden = path; !overridden.isEmpty(); overridden = overridden.parent()) {
            String override = overrides.get(overridden); // a list's item comes from where the whole list came from
            if (override != null) {
                return override;
            }
        }
        return null;
    }

    private boolean inFile(ConfigPath path) {
        for (ConfigPath prefix = path; !prefix.isEmpty(); prefix = prefix.parent()) {
            if (fileTree != null && prefix.find(fileTree) != null) {
                return true;
            }
        }
        return false;
    }
}
