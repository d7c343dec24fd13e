package dev.ccrouter.billing;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Amounts of US dollars. Arithmetic is exact ({@link BigDecimal} products of whole token counts and decimal rates);
 * rounding happens only when an amount is shown, to {@value #SCALE} decimal places (a ten-billionth of a dollar,
 * finer than any per-token rate has needed so far), half to even, trailing zeros dropped.
 */
public final class Money {
    /** Decimal places of every shown amount. */
    public static final int SCALE = 10;
    /** Decimal places kept of a parsed amount; real prices and costs have fewer than 20. */
    private static final int PARSED_SCALE = 30;
    /** Parsed amounts must be below 10^this: no per-token price or request cost comes near a billion dollars. */
    private static final int MAX_DIGITS = 9;

    private Money() {
    }

    /** The amount as shown in headers, logs and the billing comment: plain notation, e.g. {@code 0.0186375}. */
    public static String format(BigDecimal amount) {
        return shown(amount).toPlainString();
    }

    /** The amount rounded as it is shown. */
    public static BigDecimal shown(BigDecimal amount) {
        BigDecimal rounded = amount.setScale(SCALE, RoundingMode.HALF_EVEN).stripTrailingZeros();
        return rounded.scale() < 0 ? rounded.setScale(0) : rounded;
    }

    /**
     * A decimal from JSON: a string such as {@code "0.000003"}, or a number. JSON numbers are read by Jackson as
     * doubles, whose shortest decimal form ({@link Double#toString}) is the literal that was sent whenever it had
     * at most 15 significant digits, so a cost such as {@code 0.0186375} arrives exactly. Null when absent, not a
     * finite decimal, or absurdly large; amounts below 10^-30 are 0. (Bounded so that a hostile {@code "1e999999999"}
     * cannot make exact arithmetic build numbers of a billion digits.)
     */
    static BigDecimal parse(JsonNode value) {
        BigDecimal parsed = null;
        if (value == null || value.isNull()) {
            return null;
        } else if (value.isNumber()) {
            if (value.isFloatingPointNumber() && !value.isBigDecimal() && !Double.isFinite(value.doubleValue())) {
                return null;
            }
            parsed = value.decimalValue();
        } else if (value.isTextual()) {
            try {
                parsed = new BigDecimal(value.textValue().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return parsed == null ? null : bounded(parsed);
    }

    private static BigDecimal bounded(BigDecimal amount) {
        long magnitude = (long) amount.precision() - amount.scale(); // digits before the decimal point
        if (magnitude > MAX_DIGITS) {
            return null;
        }
        if (amount.signum() == 0 || magnitude < -PARSED_SCALE) {
            return BigDecimal.ZERO;
        }
        return amount.scale() > PARSED_SCALE ? amount.setScale(PARSED_SCALE, RoundingMode.HALF_EVEN) : amount;
    }
}
