package dev.ccrouter.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The installer served at {@code /install.sh}: the bash template {@code ccrouter/install.sh} with this instance's URL
 * in its one placeholder. The template is read and split once; each request only joins three strings.
 */
final class InstallScript {
    static final String RESOURCE = "/ccrouter/install.sh";
    static final String PLACEHOLDER = "__CCROUTER_INSTANCE_URL__";

    private final String beforeUrl;
    private final String afterUrl;

    InstallScript(String template) {
        int at = template.indexOf(PLACEHOLDER);
        if (at < 0 || template.indexOf(PLACEHOLDER, at + 1) >= 0) {
            throw new IllegalStateException("the installer template must hold " + PLACEHOLDER + " exactly once");
        }
        this.beforeUrl = template.substring(0, at);
        this.afterUrl = template.substring(at + PLACEHOLDER.length());
    }

    static InstallScript load() {
        try (InputStream in = InstallScript.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the installer template " + RESOURCE + " is missing from the build");
            }
            return new InstallScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the installer template " + RESOURCE, e);
        }
    }

    /**
     * The script for users of {@code instanceUrl}, which lands inside single quotes: {@link InstanceUrl} only gives
     * URLs made of characters that mean nothing to a shell there.
     */
    byte[] render(String instanceUrl) {
        return (beforeUrl + instanceUrl + afterUrl).getBytes(StandardCharsets.UTF_8);
    }
}
