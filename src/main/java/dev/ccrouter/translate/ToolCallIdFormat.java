package dev.ccrouter.translate;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Pattern;

/**
 * The tool-call ids an upstream accepts in the conversation history. Claude Code replays the ids it was given
 * ({@code toolu_…} from Anthropic, {@code call_…} from most OpenAI servers), and some upstreams refuse ids they did not
 * issue in their own shape.
 */
public enum ToolCallIdFormat {
    /** Any id: sent as the client replays it. */
    ANY,
    /**
     * Exactly nine characters {@code [a-zA-Z0-9]} (Mistral: "Tool call id was call_PTLP… but must be a-z, A-Z, 0-9,
     * with a length of 9"). An id of that shape (Mistral's own) goes as it is; any other becomes nine base-62 digits
     * of its SHA-256, so the call and its result, in this request and every later one, carry the same id.
     */
    ALNUM9;

    private static final Pattern NINE_ALNUM = Pattern.compile("[a-zA-Z0-9]{9}");
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final BigInteger SIXTY_TWO = BigInteger.valueOf(62);

    /** The id to send upstream for an id the client replays (after the gateway's own encoding was undone). */
    String upstream(String id) {
        if (this == ANY || NINE_ALNUM.matcher(id).matches()) {
            return id;
        }
        BigInteger hash = new BigInteger(1, sha256(id));
        StringBuilder digits = new StringBuilder(9);
        for (int i = 0; i < 9; i++) {
            BigInteger[] divided = hash.divideAndRemainder(SIXTY_TWO);
            digits.append(BASE62.charAt(divided[1].intValue()));
            hash = divided[0];
        }
        return digits.toString();
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
