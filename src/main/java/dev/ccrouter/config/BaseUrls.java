package dev.ccrouter.config;

import java.net.URI;

/**
 * Endpoints under a base URL: {@code /chat/completions}, {@code /models}, {@code /generation} hang off the base's
 * path, and a query the base carries (Azure OpenAI's {@code ?api-version=…}, a proxy's token) stays a query, after
 * the endpoint's path. Joined as text, {@code https://host/openai?api-version=1} became
 * {@code https://host/openai?api-version=1/chat/completions}: the version's value, and a 404.
 */
public final class BaseUrls {
    private BaseUrls() {
    }

    /** {@code path} (beginning with '/') under {@code base}, the base's query kept. */
    public static URI under(URI base, String path) {
        return under(base, path, null);
    }

    /**
     * {@code path} under {@code base} with {@code query} (raw, already encoded; null: none) before the base's own
     * query, if any.
     */
    public static URI under(URI base, String path, String query) {
        String text = base.toString();
        int fragment = text.indexOf('#');
        if (fragment >= 0) {
            text = text.substring(0, fragment); // a fragment never reaches a server
        }
        int mark = text.indexOf('?');
        String head = mark < 0 ? text : text.substring(0, mark);
        String baseQuery = mark < 0 || mark == text.length() - 1 ? null : text.substring(mark + 1);
        if (head.endsWith("/")) {
            head = head.substring(0, head.length() - 1);
        }
        String joined = query == null ? baseQuery : baseQuery == null ? query : query + "&" + baseQuery;
        return URI.create(head + path + (joined == null ? "" : "?" + joined));
    }

    /** Whether the base's path ends with {@code suffix} (its query aside). */
    public static boolean pathEndsWith(URI base, String suffix) {
        String path = base.getRawPath();
        return path != null && (path.endsWith(suffix) || path.endsWith(suffix + "/"));
    }
}
