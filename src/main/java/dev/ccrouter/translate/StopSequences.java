package dev.ccrouter.translate;

import java.util.List;

/**
 * The client's stop sequences, held to in the answer's text as Anthropic holds to them: the text ends where the first
 * sequence is complete, without it. Most upstreams stop there themselves and the text never shows one; some do not
 * (OpenAI's reasoning models refuse {@code stop}, which the gateway then leaves out; OpenRouter ignores a parameter a
 * model's provider does not take; OpenAI takes four sequences, Anthropic any number). A client reads what comes
 * before the sequence as the whole answer: Claude Code's auto-mode check asks for {@code <block>no} or
 * {@code <block>yes} with {@code stop_sequences: ["</block>"]}, and its later versions take an answer for an
 * allowance only when it is exactly {@code <block>no}.
 *
 * <p>The text arrives in pieces, and a sequence may be split between two: the end of the text that could begin one is
 * held back until the next piece tells.
 */
final class StopSequences {
    private final List<String> sequences;
    /** Text not passed on yet: what could be the beginning of a sequence. */
    private final StringBuilder held = new StringBuilder();
    private String matched;

    private StopSequences(List<String> sequences) {
        this.sequences = sequences;
    }

    /** A watch over the answer's text, or null when the client gave no (non-empty) stop sequence. */
    static StopSequences watching(List<String> clientSequences) {
        List<String> sequences = clientSequences.stream().filter(sequence -> !sequence.isEmpty()).toList();
        return sequences.isEmpty() ? null : new StopSequences(sequences);
    }

    /**
     * The part of the text that can be shown now: all of it but what could begin a sequence, or, once a sequence is
     * complete, what came before it (and nothing after, ever).
     */
    String accept(String piece) {
        if (matched != null) {
            return "";
        }
        held.append(piece);
        int end = Integer.MAX_VALUE;
        int start = -1;
        for (String sequence : sequences) {
            int at = held.indexOf(sequence);
            // the one completed first is where the model would have stopped
            if (at >= 0 && at + sequence.length() < end) {
                end = at + sequence.length();
                start = at;
                matched = sequence;
            }
        }
        if (matched != null) {
            String shown = held.substring(0, start);
            held.setLength(0);
            return shown;
        }
        int keep = longestPrefixAtEnd();
        String shown = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return shown;
    }

    /** The text held back when the answer ended: it began no sequence after all. */
    String rest() {
        String rest = held.toString();
        held.setLength(0);
        return rest;
    }

    /** The sequence the text completed, or null. */
    String matched() {
        return matched;
    }

    /** How many characters at the end of the held text begin some sequence (shorter than the sequence). */
    private int longestPrefixAtEnd() {
        int longest = 0;
        for (String sequence : sequences) {
            for (int length = Math.min(sequence.length() - 1, held.length()); length > longest; length--) {
                if (endsWith(sequence, length)) {
                    longest = length;
                    break;
                }
            }
        }
        return longest;
    }

    /** Whether the held text ends with the first {@code length} characters of the sequence. */
    private boolean endsWith(String sequence, int length) {
        int offset = held.length() - length;
        for (int i = 0; i < length; i++) {
            if (held.charAt(offset + i) != sequence.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
