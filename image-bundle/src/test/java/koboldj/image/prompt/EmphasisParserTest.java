package koboldj.image.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The examples Automatic1111 documents for its prompt attention parser. */
class EmphasisParserTest {

    private static WeightedText run(String text, double weight) {
        return new WeightedText(text, weight, false);
    }

    @Test
    void parsesA1111sDocumentedExamples() {
        assertEquals(List.of(run("normal text", 1.0)), EmphasisParser.parse("normal text"));
        assertEquals(List.of(run("an ", 1.0), run("important", 1.1), run(" word", 1.0)),
                EmphasisParser.parse("an (important) word"));
        assertEquals(List.of(run("unbalanced", 1.1)), EmphasisParser.parse("(unbalanced"));
        assertEquals(List.of(run("(literal]", 1.0)), EmphasisParser.parse("\\(literal\\]"));
        assertEquals(List.of(run("unnecessaryparens", 1.1)), EmphasisParser.parse("(unnecessary)(parens)"));
        assertEquals(List.of(run("a ", 1.0), run("house", 1.5730000000000004), run(" ", 1.1), run("on", 1.0),
                        run(" a ", 1.1), run("hill", 0.55), run(", sun, ", 1.1), run("sky", 1.4641000000000006),
                        run(".", 1.1)),
                EmphasisParser.parse("a (((house:1.3)) [on] a (hill:0.5), sun, (((sky)))."));
    }

    @Test
    void squareBracketsDivideAndBreakSplits() {
        assertEquals(List.of(run("a ", 1.0), run("b", 1 / 1.1)), EmphasisParser.parse("a [b]"));
        assertEquals(List.of(run("a", 1.0), WeightedText.chunkBreakHere(), run("b", 1.0)),
                EmphasisParser.parse("a BREAK b"));
        assertEquals(List.of(run("", 1.0)), EmphasisParser.parse(""));
        assertEquals(List.of(run("x:1.2)", 1.0)), EmphasisParser.parse("x:1.2)"));
    }
}
