package koboldj.text.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class RegexGrammarTest {

    @Test
    void literalsClassesAndQuantifiers() {
        assertEquals("root ::= \"a\" \"b\"+ [0-9]{2,4} [^\\n\\r]* \"\\\"\"?\n", RegexGrammar.of("ab+\\d{2,4}.*\"?"));
        assertEquals("root ::= [a-zA-Z_\\-] [^0-9]\n", RegexGrammar.of("[a-zA-Z_\\-]\\D"));
        assertEquals("root ::= [\\x5Ex] \"a\"{3,}\n", RegexGrammar.of("[\\^x]a{3,}"));
    }

    @Test
    void groupsAlternationAndAnchors() {
        assertEquals("root ::= (\"c\" \"a\" \"t\" | \"d\" \"o\" \"g\") (\"s\")?\n", RegexGrammar.of("^(cat|dog)(?:s)?$"));
        assertEquals("root ::= \"a\" | \"\"\n", RegexGrammar.of("a|"));
        assertEquals("root ::= \".\" \"$\" \"\\\\\"\n", RegexGrammar.of("\\.\\$\\\\"));
    }

    @Test
    void rejectsWhatIsOutsideTheSubset() {
        assertRejected("(?=a)b", "(?");
        assertRejected("(a)\\1", "escape '\\1'");
        assertRejected("a\\bb", "escape '\\b'");
        assertRejected("a*?", "lazy");
        assertRejected("a^b", "anchor");
        assertRejected("(ab", "not closed");
        assertRejected("ab)", "unmatched ')'");
        assertRejected("[a-", "not closed");
        assertRejected("[z-a]", "end comes before");
        assertRejected("a{1,2", "repetition");
        assertRejected("+a", "nothing before");
        assertRejected("(a*)*", "can be empty");
        assertRejected("(a|)+", "can be empty");
        assertRejected("((b?){0,3})+", "can be empty");
        assertEquals("root ::= (\"a\"+ \"b\"?)* (\"c\"?){2}\n", RegexGrammar.of("(a+b?)*(c?){2}"));
    }

    private static void assertRejected(String regex, String reason) {
        GrammarException e = assertThrows(GrammarException.class, () -> RegexGrammar.of(regex));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    @Test
    void aPatternInsideAJsonStringWritesQuotesAndBackslashesEscaped() {
        assertEquals("root ::= \"a\" \"\\\\\\\"\" [^\"\\\\\\x00-\\x1F]+\n", RegexGrammar.ofJsonString("a\\\".+"));
        Pattern printable = GbnfAsRegex.of(RegexGrammar.ofJsonString("[ -~]{2}").substring("root ::= ".length()).strip());
        assertTrue(printable.matcher("ab").matches() && printable.matcher("\\\"x").matches(), printable.pattern());
        assertTrue(!printable.matcher("\"x").matches() && !printable.matcher("\\x").matches(), printable.pattern());
        assertThrows(GrammarException.class, () -> RegexGrammar.ofJsonString("[\\n\\t]"));
    }
}
