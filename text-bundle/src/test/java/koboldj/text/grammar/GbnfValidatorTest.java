package koboldj.text.grammar;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GbnfValidatorTest {

    @Test
    void acceptsWhatLlamaCppParses() {
        assertDoesNotThrow(() -> GbnfValidator.check("""
                # a comment
                root   ::= object
                object ::= "{" ws ( pair ( "," ws pair )* )? "}"
                pair   ::= string ":" ws [0-9]+ ("." [0-9]{1,3})?
                string ::= "\\"" [^"\\\\\\x00-\\x1F]* "\\"" ws
                ws     ::= ([ \\t\\n] ws)?
                any    ::= . | [\\u00e9-\\U0001F600] | "é"{2,} | x{0,3}
                x      ::= "a" |
                """));
        assertDoesNotThrow(() -> GbnfValidator.check("root ::= (\n  \"a\"\n  | \"b\"\n)\r\n"));
    }

    @Test
    void rejectsWhatLlamaCppWouldNotParse() {
        assertRejected("root ::= \"a", "not closed");
        assertRejected("root ::= [a-z", "not closed");
        assertRejected("root ::= \"\\q\"", "unknown escape");
        assertRejected("root ::= \"\\x4\"", "hex digits");
        assertRejected("root ::= * \"a\"", "must follow an item");
        assertRejected("root ::= (\"a\"", "expecting ')'");
        assertRejected("root = \"a\"", "'::='");
        assertRejected("root ::= \"a\" \"b\" )", "end of the line");
        assertRejected("root ::= \"a\"{2,1}", "below its minimum");
        assertRejected("root ::= \"\"*", "must follow an item");
    }

    @Test
    void rejectsMissingRules() {
        assertRejected("main ::= \"a\"", "no 'root' rule");
        assertRejected("root ::= item+", "'item' but never defines it");
    }

    @Test
    void boundsWhatNativeCodeWouldBuild() {
        assertRejected("root ::= \"a\"{100000}", "above 10000");
        assertRejected("root ::= (\"a\"{0,9000} \"b\"{0,9000})", "expands to more than");
        assertRejected("root ::= " + "(".repeat(200) + "\"a\"" + ")".repeat(200), "nest deeper");
        assertRejected("root ::= \"a\"\u0000", "NUL");
    }

    private static void assertRejected(String gbnf, String reason) {
        GrammarException e = assertThrows(GrammarException.class, () -> GbnfValidator.check(gbnf));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
