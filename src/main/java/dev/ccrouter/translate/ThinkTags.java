package dev.ccrouter.translate;

/**
 * Reasoning written into the answer's content as {@code <think>…</think>} at its very start, as a server without a
 * reasoning parser sends it (vLLM started without {@code --reasoning-parser}, Groq's default raw format on requests
 * without tools, chat templates of Qwen3 and DeepSeek-R1 distills): what is inside the tags is thinking, what follows
 * is the answer. Content that does not begin with the tag (leading whitespace aside) is the answer, as it came —
 * unless the model's chat template opened the tag in the prompt (DeepSeek-R1's and Qwen3's thinking templates end the
 * prompt with {@code <think>}), so the model writes only the reasoning and the closing tag: configured per model
 * ({@code think_opened_in_prompt}), its content is read as thinking from the start (a repeated opening tag is left
 * out), as vLLM's DeepSeek-R1 parser reads it. Reasoning that came in a field of its own first means the server parsed
 * it, and the content is then read as usual. When such content ends without the closing tag and the answer was not
 * cut off, the model did not think after all (a template that closed the tag itself, thinking switched off): what
 * was sent as thinking is repeated as the answer's text, so that the client never ends without an answer.
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

        /** Thinking told again as the answer's text: the model wrote it once. */
        default void repeated(String text) {
            text(text);
        }
    }

    /** Before the content showed a tag or not; inside the tags; between the closing tag and the answer's first word. */
    private enum State { LEADING, THINKING, AFTER_THINKING, ANSWER }

    private final Sink sink;
    private State state = State.LEADING;
    /** Content not passed on yet: the start of the answer until it shows a tag or not, or what may begin {@code </think>}. */
    private final StringBuilder held = new StringBuilder();
    /** The content begins inside reasoning the prompt opened; cleared when the reasoning comes in a field of its own. */
    private boolean openedInPrompt;
    /** The thinking passed on since the prompt opened the tag, until the closing tag shows: repeated if it never does. */
    private final StringBuilder unclosed = new StringBuilder();

    ThinkTags(Sink sink) {
        this(sink, false);
    }

    ThinkTags(Sink sink, boolean openedInPrompt) {
        this.sink = sink;
        this.openedInPrompt = openedInPrompt;
    }

    /** Reasoning came in a field of its own (the server parsed it): content that has not begun yet is the answer. */
    void reasoningElsewhere() {
        if (state == State.LEADING) {
            openedInPrompt = false;
        }
    }

    void accept(String piece) {
        switch (state) {
            case ANSWER -> sink.text(piece);
            case LEADING -> leading(piece);
            case THINKING -> thinking(piece);
            case AFTER_THINKING -> answerStart(piece);
        }
    }

    /**
     * The content ended: what is held goes as what it was. Reasoning the prompt opened and the model never closed is
     * repeated as the answer, unless the answer was cut off (then it ended inside the reasoning, as the tokens ran out).
     */
    void end(boolean cutOff) {
        if (!held.isEmpty()) {
            String rest = held.toString();
            held.setLength(0);
            if (state == State.THINKING) {
                thinkingOut(rest);
            } else {
                sink.text(rest);
            }
        }
        if (state == State.THINKING && openedInPrompt && !cutOff && !unclosed.isEmpty()) {
            state = State.ANSWER;
            sink.repeated(unclosed.toString());
            unclosed.setLength(0);
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
        } else if (openedInPrompt) { // the reasoning itself, the tag having been written in the prompt
            state = State.THINKING;
            thinking(start);
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
            unclosed.setLength(0);
            answerStart(text.substring(close + CLOSE.length()));
            return;
        }
        int kept = partialClose(text);
        if (kept < text.length()) {
            thinkingOut(text.substring(0, text.length() - kept));
        }
        held.append(text, text.length() - kept, text.length());
    }

    /** Thinking before any closing tag, kept as well while it may have to be repeated as the answer. */
    private void thinkingOut(String text) {
        if (openedInPrompt) {
            unclosed.append(text);
        }
        sink.thinking(text);
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
