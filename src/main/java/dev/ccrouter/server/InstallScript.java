package dev.ccrouter.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The installer served at {@code /install.sh}: the bash template {@code ccrouter/install.sh} with this instance's URL
 * in one placeholder and, in another, whether its users need one of the gateway's keys. The template is read and split
 * once; each request only joins five strings.
 */
final class InstallScript {
    static final String RESOURCE = "/ccrouter/install.sh";
    static final String PLACEHOLDER = "__CCROUTER_INSTANCE_URL__";
    static final String KEYS_PLACEHOLDER = "__CCROUTER_GATEWAY_KEYS__";

    private final String beforeUrl;
    private final String betweenUrlAndKeys;
    private final String afterKeys;

    InstallScript(String template) {
        int url = onlyOnce(template, PLACEHOLDER);
        int keys = onlyOnce(template, KEYS_PLACEHOLDER);
        if (keys < url) {
            throw new IllegalStateException("the installer template must hold " + KEYS_PLACEHOLDER + " after "
                    + PLACEHOLDER);
        }
        this.beforeUrl = template.substring(0, url);
        this.betweenUrlAndKeys = template.substring(url + PLACEHOLDER.length(), keys);
        this.afterKeys = template.substring(keys + KEYS_PLACEHOLDER.length());
    }

    private static int onlyOnce(String template, String placeholder) {
        int at = template.indexOf(placeholder);
        if (at < 0 || template.indexOf(placeholder, at + 1) >= 0) {
            throw new IllegalStateException("the installer template must hold " + placeholder + " exactly once");
        }
        return at;
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
     *
     * @param gatewayKeys whether the instance has {@code auth.keys}: its users then give one of its keys, not their
     *                    OpenRouter key
     */
    byte[] render(String instanceUrl, boolean gatewayKeys) {
        return (beforeUrl + instanceUrl + betweenUrlAndKeys + (gatewayKeys ? "required" : "") + afterKeys)
                .getBytes(StandardCharsets.UTF_8);
    }
}
