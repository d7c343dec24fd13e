package dev.ccrouter.server;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One self-contained HTML page, the instance URL still a placeholder, with the Content-Security-Policy that lets
 * exactly its own inline style and script run: they are allowed by their SHA-256 hashes, computed when the page is
 * assembled, so nothing else — no injected markup, no external resource — can load.
 */
record HtmlPage(String html, String contentSecurityPolicy) {
    static final String INSTANCE_URL = "@INSTANCE_URL@";
    private static final Pattern INLINE = Pattern.compile("<(script|style)>(.*?)</\\1>", Pattern.DOTALL);

    /** The layout with its title and content filled in, then every {@code constants} placeholder replaced. */
    static HtmlPage assemble(String layout, String title, String content, Map<String, String> constants) {
        String html = layout.replace("@TITLE@", escape(title)).replace("@CONTENT@", content);
        for (Map.Entry<String, String> constant : constants.entrySet()) {
            html = html.replace(constant.getKey(), constant.getValue());
        }
        return new HtmlPage(html, contentSecurityPolicy(html));
    }

    /** The page for one request; {@code instanceUrl} comes from {@link InstanceUrl} and is escaped all the same. */
    String render(String instanceUrl) {
        return html.replace(INSTANCE_URL, escape(instanceUrl));
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String contentSecurityPolicy(String html) {
        Set<String> scripts = new LinkedHashSet<>();
        Set<String> styles = new LinkedHashSet<>();
        Matcher inline = INLINE.matcher(html);
        while (inline.find()) {
            if (inline.group(2).contains(INSTANCE_URL)) {
                // Its hash would change with every request's URL.
                throw new IllegalStateException("an inline <" + inline.group(1) + "> must not hold " + INSTANCE_URL);
            }
            (inline.group(1).equals("script") ? scripts : styles).add("'sha256-" + sha256(inline.group(2)) + "'");
        }
        return "default-src 'none'; script-src " + sources(scripts) + "; style-src " + sources(styles)
                + "; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    }

    private static String sources(Set<String> hashes) {
        return hashes.isEmpty() ? "'none'" : String.join(" ", hashes);
    }

    private static String sha256(String text) {
        try {
            return Base64.getEncoder().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
