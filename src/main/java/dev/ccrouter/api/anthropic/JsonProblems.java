package dev.ccrouter.api.anthropic;

import java.util.regex.Pattern;

/**
 * Jackson's account of malformed JSON, in the terms of the one who sent it. Jackson's messages name its own switches
 * ("enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow", "Feature 'ALLOW_COMMENTS' not enabled for parser")
 * and, with the source left out of locations as the gateway leaves it, point at "[Source: REDACTED
 * (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 1]": to a client or an operator reading
 * an error, only the problem and its line and column mean anything.
 */
public final class JsonProblems {
    private static final Pattern LOCATION = Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)]");
    private static final Pattern SWITCH = Pattern.compile(
            ": enable `[\\w.]+` to allow| \\(consider enabling `[\\w.]+` to allow [^)]*\\)\\)?");
    private static final Pattern COMMENT = Pattern.compile(
            "\\(not recognized as one since Feature '\\w+' not enabled for parser\\)");

    private JsonProblems() {
    }

    /** The message without Jackson's switches, and with its locations as "line L, column C". */
    public static String plain(String message) {
        if (message == null) {
            return null;
        }
        String plain = LOCATION.matcher(message).replaceAll("line $1, column $2");
        plain = SWITCH.matcher(plain).replaceAll("");
        return COMMENT.matcher(plain).replaceAll("(JSON has no comments)");
    }
}
