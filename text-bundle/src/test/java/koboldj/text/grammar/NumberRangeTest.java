package koboldj.text.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The range rules, read as regular expressions, match exactly the numbers in range (checked number by number). */
class NumberRangeTest {
    private static NumberRange.Bound inclusive(long value) {
        return new NumberRange.Bound(BigDecimal.valueOf(value), false);
    }

    private static NumberRange.Bound exclusive(String value) {
        return new NumberRange.Bound(new BigDecimal(value), true);
    }

    @Test
    void integerRangesMatchExactlyTheirMembers() {
        long[][] ranges = {{0, 0}, {7, 7}, {-5, 5}, {3, 1234}, {-1234, -3}, {10, 99}, {19, 201}, {0, 1000}, {-100, 0}};
        for (long[] range : ranges) {
            Pattern pattern = GbnfAsRegex.of(NumberRange.integers(inclusive(range[0]), inclusive(range[1])));
            for (long n = -3000; n <= 3000; n++) {
                boolean inside = n >= range[0] && n <= range[1];
                assertEquals(inside, pattern.matcher(Long.toString(n)).matches(), n + " in " + range[0] + ".." + range[1]);
            }
            assertTrue(!pattern.matcher("-0").matches() && !pattern.matcher("007").matches());
        }
    }

    @Test
    void openAndExclusiveBounds() {
        Pattern atLeast = GbnfAsRegex.of(NumberRange.integers(exclusive("-2.5"), null));
        assertTrue(atLeast.matcher("-2").matches() && atLeast.matcher("123456789").matches());
        assertTrue(!atLeast.matcher("-3").matches());
        Pattern below = GbnfAsRegex.of(NumberRange.integers(null, exclusive("10")));
        assertTrue(below.matcher("9").matches() && below.matcher("-99999").matches() && !below.matcher("10").matches());
        assertNull(NumberRange.integers(exclusive("1"), exclusive("2")));
    }

    @Test
    void boundedNumbersStayInsideTheirRange() {
        String[][] ranges = {{"0", "1"}, {"-1", "1"}, {"0.5", "3.5"}, {"-10", "-2"}};
        for (String[] range : ranges) {
            BigDecimal lo = new BigDecimal(range[0]);
            BigDecimal hi = new BigDecimal(range[1]);
            Pattern inclusive = GbnfAsRegex.of(NumberRange.numbers(new NumberRange.Bound(lo, false), new NumberRange.Bound(hi, false)));
            Pattern strict = GbnfAsRegex.of(NumberRange.numbers(new NumberRange.Bound(lo, true), new NumberRange.Bound(hi, true)));
            for (int tenths = -150; tenths <= 150; tenths++) {
                for (String text : new String[] {BigDecimal.valueOf(tenths, 1).toPlainString(), Integer.toString(tenths)}) {
                    BigDecimal value = new BigDecimal(text);
                    if (inclusive.matcher(text).matches()) {
                        assertTrue(value.compareTo(lo) >= 0 && value.compareTo(hi) <= 0, text + " in [" + lo + ", " + hi + "]");
                    }
                    if (strict.matcher(text).matches()) {
                        assertTrue(value.compareTo(lo) > 0 && value.compareTo(hi) < 0, text + " in (" + lo + ", " + hi + ")");
                    }
                }
            }
        }
        // the probability range (0, 1) still has its fractions, and 0.25 is one of them
        Pattern probability = GbnfAsRegex.of(NumberRange.numbers(exclusive("0"), exclusive("1")));
        assertTrue(probability.matcher("0.25").matches());
        assertTrue(!probability.matcher("0").matches() && !probability.matcher("1").matches()
                && !probability.matcher("0.0").matches());
    }

    @Test
    void schemasWithBoundsAndWhatCannotBeEnforced() {
        String gbnf = JsonSchemaGrammar.of("{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 12}");
        assertTrue(gbnf.startsWith("root ::= ("), gbnf);
        GrammarException empty = assertThrows(GrammarException.class,
                () -> JsonSchemaGrammar.of("{\"type\": \"integer\", \"minimum\": 5, \"exclusiveMaximum\": 5}"));
        assertTrue(empty.getMessage().contains("'minimum'"), empty.getMessage());
        GrammarException multiple = assertThrows(GrammarException.class,
                () -> JsonSchemaGrammar.of("{\"type\": \"integer\", \"multipleOf\": 5}"));
        assertTrue(multiple.getMessage().contains("'multipleOf'"), multiple.getMessage());
        GrammarException both = assertThrows(GrammarException.class,
                () -> JsonSchemaGrammar.of("{\"type\": \"string\", \"pattern\": \"[a-z]+\", \"maxLength\": 3}"));
        assertTrue(both.getMessage().contains("'maxLength'"), both.getMessage());
    }
}
