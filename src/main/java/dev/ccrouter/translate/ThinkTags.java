package dev.ccrouter.translate;

/**
 * Reasoning written into the answer's content as {@code <think>…</think>} at its very start, as a server without a
 * reasoning parser sends it (vLLM started without {@code --reasoning-parser}, Groq's default raw format on requests
 * without tools, chat templates of Qwen3 and DeepSeek-R1 distills): what is inside the tags is thinking, what follows
 * is the answer. Content that does not begin with the tag (leading whitespace aside) is the answer, as it came.
 *
 * <p>The content arrives in pieces, and a tag may be split between two: the few characters that could begin one are
 * held back until the next piece tells. After the first piece has decided, an answer's content passes straight on.
 */
final class ThinkTags {
    private static final String OPEN = "<think>";
    private static final String CLOSE = "</think>";

    /** Where the pieces go: thinking or answer text, in order. */
    interface Sink {
        void thinking(String text);

        void text(String text);
    }

    /** Before the content showed a tag or not; inside the tags; between the closing tag and the answer's first word. */
    private enum State { LEADING, THINKING, AFTER_THINKING, ANSWER }

    private final Sink sink;
    private State state = State.LEADING;
    /** Content not passed on yet: the start of the answer until it shows a tag or not, or what may begin {@code </think>}. */
    private final StringBuilder held = new StringBuilder();

    ThinkTags(Sink sink) {
        this.sink = sink;
    }

    void accept(String piece) {
        switch (state) {
            case ANSWER -> sink.text(piece);
            case LEADING -> leading(piece);
            case THINKING -> thinking(piece);
            case AFTER_THINKING -> answerStart(piece);
        }
    }

    /** The content ended (the answer finished, or a tool call follows it): what is held goes as what it was. */
    void end() {
        if (held.isEmpty()) {
            return;
        }
        String rest = held.toString();
        held.setLength(0);
        if (state == State.THINKING) {
            sink.thinking(rest);
        } else {
            sink.text(rest);
        }
    }

    private void leading(String piece) {
        String content = withHeld(piece);
        String start = content.stripLeading();
        if (start.startsWith(OPEN)) {
            state = State.THINKING;
            thinking(start.substring(OPEN.length()));
        } else if (OPEN.startsWith(start)) { // only whitespace or the beginning of the tag so far: the next piece tells
            held.append(content);
        } else { // not a tag, nor the beginning of one: the answer, whole
            state = State.ANSWER;
            sink.text(content);
        }
    }

    /** What is held, then the piece; nothing is held afterwards. Without a copy when nothing was (the usual case). */
    private String withHeld(String piece) {
        if (held.isEmpty()) {
            return piece;
        }
        String content = held.append(piece).toString();
        held.setLength(0);
        return content;
    }

    private void thinking(String piece) {
        String text = withHeld(piece);
        int close = text.indexOf(CLOSE);
        if (close >= 0) {
            state = State.AFTER_THINKING;
            if (close > 0) {
                sink.thinking(text.substring(0, close));
            }
            answerStart(text.substring(close + CLOSE.length()));
            return;
        }
        int kept = partialClose(text);
        if (kept < text.length()) {
            sink.thinking(text.substring(0, text.length() - kept));
        }
        held.append(text, text.length() - kept, text.length());
    }

    /** The answer after the closing tag begins at its first word: the "\n\n" models write after the tag is not said. */
    private void answerStart(String piece) {
        String answer = piece.stripLeading();
        if (!answer.isEmpty()) {
            state = State.ANSWER;
            sink.text(answer);
        }
    }

    /** How many characters at the end of {@code text} could be the beginning of {@code </think>}. */
    private static int partialClose(String text) {
        for (int length = Math.min(CLOSE.length() - 1, text.length()); length > 0; length--) {
            if (text.regionMatches(text.length() - length, CLOSE, 0, length)) {
                return length;
            }
        }
        return 0;
    }
}
