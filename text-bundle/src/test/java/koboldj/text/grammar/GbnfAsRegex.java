package koboldj.text.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test help: a GBNF rule body of literals, classes, repetitions, groups and alternatives, as a Java regex. */
final class GbnfAsRegex {
    private static final Pattern TOKEN = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|\\[(?:[^\\]\\\\]|\\\\.)*\\]|\\{[0-9,]+\\}|[()|]|\\s+");

    static Pattern of(String gbnf) {
        StringBuilder regex = new StringBuilder();
        Matcher token = TOKEN.matcher(gbnf);
        int at = 0;
        while (token.find()) {
            assertEquals(at, token.start(), "unexpected GBNF at " + at + ": " + gbnf);
            at = token.end();
            String text = token.group();
            if (token.group(1) != null) {
                regex.append(Pattern.quote(token.group(1).replaceAll("\\\\(.)", "$1")));
            } else if (!text.isBlank()) {
                regex.append(text);
            }
        }
        assertEquals(gbnf.length(), at, gbnf);
        return Pattern.compile(regex.toString());
    }

    private GbnfAsRegex() {
    }
}
