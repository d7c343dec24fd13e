package dev.ccrouter.http;

/** RFC 9110's token characters (header names, methods, transfer codings), and the bytes a header value may hold. */
final class Tokens {
    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private Tokens() {
    }

    static boolean isToken(int b) {
        return b >= 0 && b < 128 && TOKEN[b];
    }

    static boolean isToken(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!isToken(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A header value's byte: visible characters, space, tab and obs-text; never CR, LF or another control. */
    static boolean isValueByte(int b) {
        int unsigned = b & 0xFF;
        return unsigned >= 0x20 && unsigned != 0x7F || unsigned == '\t';
    }

    static int lowerCase(int b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }
}
