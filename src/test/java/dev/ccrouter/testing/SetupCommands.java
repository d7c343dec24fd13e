package dev.ccrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The setup commands on the landing page, read from its HTML — as the server sends it or as a browser's DOM dump
 * prints it (the commands hold no character either would escape differently).
 */
public final class SetupCommands {
    private static final Pattern COMMAND = Pattern.compile("<code id=\"(cmd-[a-z-]+)\">(.*?)</code>", Pattern.DOTALL);
    private static final Pattern BASE_URL_SETTING = Pattern.compile("ANTHROPIC_BASE_URL[=:] ?(\\S+)");

    private SetupCommands() {
    }

    /** Every command block by its element id, in page order. */
    public static Map<String, String> in(String html) {
        Map<String, String> commands = new LinkedHashMap<>();
        Matcher command = COMMAND.matcher(html);
        while (command.find()) {
            commands.put(command.group(1), command.group(2));
        }
        return commands;
    }

    /** The page shows every command, and every one that names an instance names {@code url}. */
    public static void assertShownFor(String html, String url) {
        Map<String, String> commands = in(html);
        assertThat(commands).containsOnlyKeys("cmd-install", "cmd-install-quiet", "cmd-manual", "cmd-models",
                "cmd-aliases", "cmd-actions", "cmd-actions-step");
        assertThat(commands.get("cmd-install")).isEqualTo("bash -c \"$(curl -fsSL " + url + "/install.sh)\"");
        assertThat(commands.get("cmd-install-quiet"))
                .isEqualTo("curl -fsSL " + url + "/install.sh | OPENROUTER_API_KEY=sk-or-v1-… bash");
        assertThat(commands.get("cmd-manual")).isEqualTo("export ANTHROPIC_BASE_URL=" + url + "\n"
                + "export ANTHROPIC_AUTH_TOKEN=sk-or-v1-…\n"
                + "export ANTHROPIC_API_KEY=\"\"\n"
                + "claude");
        assertThat(commands.get("cmd-aliases").lines().skip(1).map(line -> line.substring(0, line.indexOf('=')))
                .toList()).containsExactly("alias claude-or", "alias claude-kimi", "alias claude-deepseek");
        // Wherever a command points Claude Code somewhere (manual setup, three aliases, two workflow steps), it is here.
        List<String> baseUrls = commands.values().stream()
                .flatMap(text -> BASE_URL_SETTING.matcher(text).results().map(result -> result.group(1))).toList();
        assertThat(baseUrls).hasSize(6).containsOnly(url);
        assertThat(html).contains("<a href=\"" + url + "/install.sh\">" + url + "/install.sh</a>");
    }
}
