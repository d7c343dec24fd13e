package dev.ccrouter.server;

import dev.ccrouter.billing.Bill;
import dev.ccrouter.billing.Money;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;

/**
 * One line per {@code /v1/messages} request: what was asked, where it went, how it ended, what it used and cost
 * (the same bill the response carried; unknown amounts are left out, never written as 0).
 *
 * <p>Some values come from the client ({@code model}) or the upstream (stream errors, billing notes). They are written
 * {@linkplain #field escaped and capped}: no value can end the line, forge another field, move a terminal's cursor or
 * turn one request into megabytes of log.
 */
final class AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger("ccrouter.access");
    /** Longest value written for a client- or upstream-supplied field, in characters before escaping. */
    static final int MAX_FIELD_CHARS = 200;

    /** Told about every finished exchange (the ledger, the metrics), whatever the log level. */
    @FunctionalInterface
    interface Listener {
        void finished(Exchange exchange);
    }

    /** How many different notes {@link #notesText} keeps before it starts afresh (some notes carry numbers). */
    static final int NOTES_KEPT = 64;

    private final List<Listener> listeners;
    /** Where the lines go: {@code ccrouter.access}, or nowhere for the start's rehearsal. */
    private final Logger lines;
    /**
     * The bill's notes as the line writes them, by the notes. The same few sentences come with every request to a
     * model ("no prices for this model…"), and escaping their spaces afresh for each line was most of what the
     * bill's fields cost the line (1.3 % of a JSON request's carrier samples).
     */
    private final Map<List<String>, String> notesText = new ConcurrentHashMap<>();

    AccessLog(List<Listener> listeners) {
        this(listeners, LOG);
    }

    private AccessLog(List<Listener> listeners, Logger lines) {
        this.listeners = List.copyOf(listeners);
        this.lines = lines;
    }

    /** Tells nobody and writes no line: what the start's rehearsal (not a user's request) does leaves no trace. */
    static AccessLog silent() {
        return new AccessLog(List.of(), NOPLogger.NOP_LOGGER);
    }

    AccessLog() {
        this(List.of());
    }

    void log(Exchange exchange) {
        for (Listener listener : listeners) {
            try {
                listener.finished(exchange);
            } catch (RuntimeException e) { // bookkeeping never fails a request
                LOG.warn("{} could not be recorded: {}", exchange.requestId, e.toString());
            }
        }
        if (!lines.isInfoEnabled()) {
            return;
        }
        long micros = (System.nanoTime() - exchange.startNanos) / 1_000;
        StringBuilder line = new StringBuilder(512) // a line with a bill is 300–500 characters: no growing
                .append(exchange.requestId)
                .append(" status=").append(exchange.error != null ? exchange.error.status() : exchange.status)
                .append(" model=").append(field(exchange.model))
                .append(" upstream_model=").append(field(exchange.upstreamModel))
                .append(" route=").append(field(exchange.route))
                .append(" provider=").append(field(exchange.provider))
                .append(" fallbacks=").append(exchange.fallbacks)
                .append(" retries=").append(exchange.retries)
                .append(" stream=").append(exchange.stream)
                .append(" upstream_status=").append(exchange.upstreamStatus)
                .append(" ms=").append(micros / 1000).append('.');
        long fraction = micros % 1000; // three digits, without String.format's parsing on every request
        line.append(fraction < 10 ? "00" : fraction < 100 ? "0" : "").append(fraction);
        if (exchange.bill != null) {
            appendBill(line, exchange.bill);
        }
        if (exchange.error != null) {
            line.append(" error=").append(exchange.error.type().wireName());
        }
        if (exchange.streamError != null) {
            line.append(" stream_error=").append(field(exchange.streamError));
        }
        if (exchange.clientGone) {
            line.append(" client_disconnected=true");
        }
        if (exchange.startedEarly) {
            line.append(" early_start=true");
        }
        lines.info(line.toString());
    }

    private void appendBill(StringBuilder line, Bill bill) {
        line.append(" input_tokens=").append(bill.usage().inputTokens())
                .append(" output_tokens=").append(bill.usage().outputTokens())
                .append(" cache_read=").append(bill.usage().cacheReadInputTokens())
                .append(" cache_write=").append(bill.usage().cacheCreationInputTokens())
                .append(" cache_write_1h=").append(bill.usage().cacheCreation1h())
                .append(" reasoning_tokens=").append(bill.usage().thinkingTokens())
                .append(" cache_writes=").append(bill.cacheWrites().wireName());
        if (bill.estimated()) {
            line.append(" usage_estimated=true");
        }
        if (bill.cacheHitRatio() != null) {
            line.append(" cache_hit_ratio=").append(bill.cacheHitRatio().toPlainString());
        }
        amount(line, "cost_usd", bill.cost().total());
        amount(line, "upstream_cost_usd", bill.upstreamCost());
        amount(line, "residual_usd", bill.residual());
        amount(line, "byok_fee_usd", bill.byokFee());
        if (!bill.notes().isEmpty()) {
            line.append(" billing_notes=").append(notesText(bill.notes()));
        }
    }

    private String notesText(List<String> notes) {
        String text = notesText.get(notes);
        if (text == null) {
            text = field(String.join("; ", notes));
            if (notesText.size() >= NOTES_KEPT) {
                notesText.clear();
            }
            notesText.put(notes, text); // a bill's notes are an immutable list
        }
        return text;
    }

    private static void amount(StringBuilder line, String name, BigDecimal value) {
        if (value != null) {
            line.append(' ').append(name).append('=').append(Money.format(value));
        }
    }

    /**
     * A value as one token of the line, with anything shaped like a key ({@code sk-…}) replaced: backslash, quote, space, {@code =}, control characters (C0, DEL, C1) and
     * invisible format characters (bidirectional overrides) are written as {@code \\uXXXX}; a value over
     * {@link #MAX_FIELD_CHARS} characters is cut there and marked with its full length.
     */
    static String field(String value) {
        if (value == null) {
            return "";
        }
        value = SecretRedaction.withoutKeys(value);
        int keep = Math.min(value.length(), MAX_FIELD_CHARS);
        int first = firstToEscape(value, keep);
        if (first == keep && keep == value.length()) {
            return value; // the usual case: a model or provider name, nothing to escape or cut
        }
        StringBuilder out = new StringBuilder(keep + 16).append(value, 0, first);
        for (int i = first; i < keep; i++) {
            char c = value.charAt(i);
            if (escaped(value, i)) {
                out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                        .append(HEX[c & 0xf]);
            } else {
                out.append(c);
            }
        }
        if (keep < value.length()) {
            out.append("...(").append(value.length()).append(" chars)");
        }
        return out.toString();
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The index of the first character {@link #field} escapes, or {@code keep} when there is none before it. */
    private static int firstToEscape(String value, int keep) {
        for (int i = 0; i < keep; i++) {
            if (escaped(value, i)) {
                return i;
            }
        }
        return keep;
    }

    private static boolean escaped(String value, int i) {
        char c = value.charAt(i);
        return c <= ' ' || c == '"' || c == '\\' || c == '=' || (c >= 0x7f && c <= 0x9f)
                || c > 0x9f && (Character.getType(c) == Character.FORMAT || Character.isSurrogate(c) && !validPair(value, i));
    }


    private static boolean validPair(String value, int i) {
        char c = value.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(value.charAt(i - 1));
    }
}
