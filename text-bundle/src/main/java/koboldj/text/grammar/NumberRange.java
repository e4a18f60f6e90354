package koboldj.text.grammar;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * GBNF for JSON numbers within JSON Schema's bounds (minimum, maximum, exclusiveMinimum,
 * exclusiveMaximum).
 *
 * <p>Integers are matched exactly: the range is split by number of digits and then digit by
 * digit into character classes. A bounded non-integer number is written without an exponent
 * and is either a whole number in the range or {@code I.F} whose every value (the interval
 * between I and I+1 on its side of zero) lies inside the range; the last fraction digit is not
 * 0, so {@code I.F} never equals a bound it must stay clear of. Values between a fractional bound
 * and the nearest whole number inside the range are therefore never produced (with minimum 0.5
 * the output starts at 1); a range that holds no such value is refused.
 */
final class NumberRange {
    /** Whole numbers have at most this many digits, as the unbounded integer rule has. */
    private static final int MAX_DIGITS = 16;
    private static final BigDecimal LIMIT = BigDecimal.TEN.pow(MAX_DIGITS).subtract(BigDecimal.ONE);
    private static final String FRACTION = "\".\" [0-9]{0,15} [1-9]";

    /** A bound of the range: a value, and whether the value itself is excluded. Null bounds are open. */
    record Bound(BigDecimal value, boolean exclusive) {
    }

    private NumberRange() {
    }

    /** The whole numbers from {@code min} to {@code max}, without the trailing space rule; null if there are none. */
    static String integers(Bound min, Bound max) {
        BigDecimal lo = min == null ? LIMIT.negate() : lowestWhole(min);
        BigDecimal hi = max == null ? LIMIT : highestWhole(max);
        lo = lo.max(LIMIT.negate());
        hi = hi.min(LIMIT);
        if (lo.compareTo(hi) > 0) {
            return null;
        }
        return wholes(lo.longValueExact(), hi.longValueExact());
    }

    /** Numbers from {@code min} to {@code max} as the class comment says; null if the range holds none of them. */
    static String numbers(Bound min, Bound max) {
        List<String> alternatives = new ArrayList<>();
        String wholes = integers(min, max);
        if (wholes != null) {
            alternatives.add(wholes);
        }
        // I.F with I >= 0 lies in (I, I+1): I must be at least min and I+1 at most max
        BigDecimal positiveLo = min == null ? BigDecimal.ZERO : min.value().setScale(0, RoundingMode.CEILING).max(BigDecimal.ZERO);
        BigDecimal positiveHi = max == null ? LIMIT : max.value().subtract(BigDecimal.ONE).setScale(0, RoundingMode.FLOOR);
        fractional(alternatives, "", positiveLo, positiveHi);
        // -I.F lies in (-(I+1), -I): -I must be at most max and -(I+1) at least min
        BigDecimal negativeLo = max == null ? BigDecimal.ZERO : max.value().negate().setScale(0, RoundingMode.CEILING)
                .max(BigDecimal.ZERO);
        BigDecimal negativeHi = min == null ? LIMIT : min.value().negate().subtract(BigDecimal.ONE).setScale(0, RoundingMode.FLOOR);
        fractional(alternatives, "\"-\" ", negativeLo, negativeHi);
        return alternatives.isEmpty() ? null : "(" + String.join(" | ", alternatives) + ")";
    }

    private static void fractional(List<String> alternatives, String sign, BigDecimal lo, BigDecimal hi) {
        BigDecimal from = lo.max(BigDecimal.ZERO);
        BigDecimal to = hi.min(LIMIT);
        if (from.compareTo(to) <= 0) {
            alternatives.add(sign + "(" + nonNegative(from.longValueExact(), to.longValueExact()) + ") " + FRACTION);
        }
    }

    private static BigDecimal lowestWhole(Bound min) {
        BigDecimal ceiling = min.value().setScale(0, RoundingMode.CEILING);
        return min.exclusive() && ceiling.compareTo(min.value()) == 0 ? ceiling.add(BigDecimal.ONE) : ceiling;
    }

    private static BigDecimal highestWhole(Bound max) {
        BigDecimal floor = max.value().setScale(0, RoundingMode.FLOOR);
        return max.exclusive() && floor.compareTo(max.value()) == 0 ? floor.subtract(BigDecimal.ONE) : floor;
    }

    /** Whole numbers from lo to hi (lo <= hi), negative ones with a minus and no "-0". */
    private static String wholes(long lo, long hi) {
        List<String> alternatives = new ArrayList<>();
        if (lo < 0) {
            alternatives.add("\"-\" (" + nonNegative(Math.max(1, -hi), -lo) + ")");
        }
        if (hi >= 0) {
            alternatives.add(nonNegative(Math.max(0, lo), hi));
        }
        return alternatives.size() == 1 ? "(" + alternatives.getFirst() + ")" : "(" + String.join(" | ", alternatives) + ")";
    }

    /** Decimal numbers from lo to hi (0 <= lo <= hi) without leading zeros. */
    static String nonNegative(long lo, long hi) {
        List<String> alternatives = new ArrayList<>();
        String loText = Long.toString(lo);
        String hiText = Long.toString(hi);
        for (int digits = loText.length(); digits <= hiText.length(); digits++) {
            String from = digits == loText.length() ? loText : "1" + "0".repeat(digits - 1);
            String to = digits == hiText.length() ? hiText : "9".repeat(digits);
            alternatives.add(sameLength(from, to));
        }
        return String.join(" | ", alternatives);
    }

    /** Digit strings of one length from {@code lo} to {@code hi}, leading zeros allowed. */
    private static String sameLength(String lo, String hi) {
        if (lo.equals(hi)) {
            return Gbnf.literal(lo);
        }
        int common = 0;
        while (lo.charAt(common) == hi.charAt(common)) {
            common++;
        }
        String prefix = common == 0 ? "" : Gbnf.literal(lo.substring(0, common)) + " ";
        char low = lo.charAt(common);
        char high = hi.charAt(common);
        String loRest = lo.substring(common + 1);
        String hiRest = hi.substring(common + 1);
        int rest = loRest.length();
        String anyRest = rest == 0 ? "" : " [0-9]" + (rest == 1 ? "" : "{" + rest + "}");
        boolean loFull = loRest.chars().allMatch(c -> c == '0');
        boolean hiFull = hiRest.chars().allMatch(c -> c == '9');
        List<String> alternatives = new ArrayList<>();
        char middleFrom = loFull ? low : (char) (low + 1);
        char middleTo = hiFull ? high : (char) (high - 1);
        if (!loFull) {
            alternatives.add("\"" + low + "\" (" + sameLength(loRest, "9".repeat(rest)) + ")");
        }
        if (middleFrom <= middleTo) {
            alternatives.add((middleFrom == middleTo ? "\"" + middleFrom + "\"" : "[" + middleFrom + "-" + middleTo + "]") + anyRest);
        }
        if (!hiFull) {
            alternatives.add("\"" + high + "\" (" + sameLength("0".repeat(rest), hiRest) + ")");
        }
        String body = alternatives.size() == 1 ? alternatives.getFirst() : "(" + String.join(" | ", alternatives) + ")";
        return prefix + body;
    }
}
